#include "services/core/item_csv.h"

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "services/common/dates.h"
#include "services/common/utf8.h"
#include "services/core/validation.h"

namespace pqtrack::core {
namespace {

const std::vector<std::string>& KindColumns(ItemKind kind) {
  static const auto* petition =
      new std::vector<std::string>{"batch_id", "delegations", "field"};
  static const auto* question = new std::vector<std::string>{
      "deputy_name", "delegation", "addressee", "form", "asked_on"};
  static const auto* document = new std::vector<std::string>{
      "sender", "document_number", "document_date", "requires_response"};
  static const auto* task = new std::vector<std::string>{
      "assigned_by", "source_document", "source_date"};
  static const auto* none = new std::vector<std::string>();
  switch (kind) {
    case ItemKind::kPetition:
      return *petition;
    case ItemKind::kQuestion:
      return *question;
    case ItemKind::kDocument:
      return *document;
    case ItemKind::kTask:
      return *task;
    default:
      return *none;
  }
}

// Columns a header must have: title, received_on and the kind's own (a
// question's session_id too).
std::vector<std::string> RequiredColumns(ItemKind kind) {
  std::vector<std::string> out = {"title", "received_on"};
  if (kind == ItemKind::kQuestion) out.push_back("session_id");
  for (const std::string& c : KindColumns(kind)) {
    if (c != "source_date") out.push_back(c);  // a task's is optional
  }
  return out;
}

std::string Join(const std::vector<std::string>& list) {
  return absl::StrJoin(list, "; ");
}

std::vector<std::string> SplitList(const std::string& cell) {
  std::vector<std::string> out;
  for (absl::string_view part : absl::StrSplit(cell, ';')) {
    part = absl::StripAsciiWhitespace(part);
    if (!part.empty()) out.emplace_back(part);
  }
  return out;
}

std::string DateText(const std::optional<Day>& d) {
  return d ? FormatIsoDate(*d) : "";
}

// Cell readers: each adds a violation under the column when the text is
// not empty and does not parse.
class CellReader {
 public:
  explicit CellReader(std::vector<RowError>* errors, int line)
      : errors_(*errors), line_(line) {}

  std::optional<Day> Date(absl::string_view column, const std::string& cell) {
    if (cell.empty()) return std::nullopt;
    absl::StatusOr<Day> d = ParseIsoDate(cell);
    if (!d.ok()) {
      Fail(column, absl::StrCat("\"", cell, "\" is not a date YYYY-MM-DD"));
      return std::nullopt;
    }
    return *d;
  }
  int64_t Id(absl::string_view column, const std::string& cell) {
    if (cell.empty()) return 0;
    int64_t v = 0;
    if (!absl::SimpleAtoi(cell, &v) || v <= 0) {
      Fail(column, absl::StrCat("\"", cell, "\" is not a positive number"));
      return 0;
    }
    return v;
  }
  bool Bool(absl::string_view column, const std::string& cell) {
    const std::string v = absl::AsciiStrToLower(cell);
    if (v == "true" || v == "yes" || v == "1") return true;
    if (v == "false" || v == "no" || v == "0") return false;
    Fail(column, cell.empty()
                     ? "required (true or false)"
                     : absl::StrCat("\"", cell, "\" is not true or false"));
    return false;
  }
  template <typename E>
  E Enum(absl::string_view column, const std::string& cell,
         absl::string_view choices) {
    if (cell.empty()) return E::kUnspecified;
    std::optional<E> v = ParseEnum<E>(cell);
    if (!v) {
      Fail(column, absl::StrCat("\"", cell, "\" is not one of ", choices));
      return E::kUnspecified;
    }
    return *v;
  }
  void Fail(absl::string_view column, std::string rule) {
    errors_.push_back({line_, std::string(column), std::move(rule)});
  }

 private:
  std::vector<RowError>& errors_;
  int line_;
};

}  // namespace

std::vector<std::string> CsvColumns(ItemKind kind) {
  std::vector<std::string> out = {"id",        "status", "external_ref",
                                  "title",     "body",   "received_on",
                                  "session_id"};
  for (const std::string& c : KindColumns(kind)) out.push_back(c);
  for (const char* c :
       {"lead_unit_code", "coordinating_unit_codes", "due_on", "answered_on",
        "answer_document_number", "answer_signer", "answer_text", "outcome",
        "outcome_detail", "roadmap", "expected_completion"}) {
    out.push_back(c);
  }
  return out;
}

std::string ColumnOf(absl::string_view field) {
  static const auto* answer = new absl::flat_hash_map<std::string, std::string>{
      {"sent_on", "answered_on"},
      {"document_number", "answer_document_number"},
      {"signer", "answer_signer"},
      {"text", "answer_text"}};
  for (absl::string_view p : {"petition.", "question.", "document.", "task."}) {
    if (absl::ConsumePrefix(&field, p)) return std::string(field);
  }
  if (absl::ConsumePrefix(&field, "answer.")) {
    auto it = answer->find(field);
    return it == answer->end() ? std::string(field) : it->second;
  }
  return std::string(field);
}

absl::StatusOr<CsvLayout> CsvLayout::Read(
    ItemKind kind, const std::vector<std::string>& header) {
  if (kind == ItemKind::kUnspecified) {
    return absl::InvalidArgumentError("kind: required");
  }
  const std::vector<std::string> known = CsvColumns(kind);
  CsvLayout layout;
  layout.kind_ = kind;
  layout.width_ = header.size();
  std::vector<std::string> problems;
  // Unknown columns are named together, the first few of them (each cut
  // short): a file can have thousands.
  constexpr size_t kNamed = 5;
  std::vector<std::string> unknown;
  size_t unknown_count = 0;
  for (size_t i = 0; i < header.size(); ++i) {
    const std::string name(absl::StripAsciiWhitespace(header[i]));
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      if (++unknown_count <= kNamed) {
        unknown.push_back(absl::StrCat("\"", TruncateToWidth(name, 40), "\""));
      }
    } else if (!layout.index_.emplace(name, i).second) {
      problems.push_back(absl::StrCat("column \"", name, "\" is given twice"));
    }
  }
  if (unknown_count > 0) {
    std::string which = absl::StrJoin(unknown, ", ");
    if (unknown_count > kNamed) {
      absl::StrAppend(&which, " and ", unknown_count - kNamed, " more");
    }
    problems.insert(problems.begin(),
                    absl::StrCat(unknown_count == 1 ? "column " : "columns ",
                                 which, unknown_count == 1 ? " is" : " are",
                                 " not one of ", Name(kind), "'s columns (",
                                 absl::StrJoin(known, ", "), ")"));
  }
  for (const std::string& c : RequiredColumns(kind)) {
    if (!layout.index_.contains(c)) {
      problems.push_back(
          absl::StrCat("column \"", c, "\" is required for ", Name(kind)));
    }
  }
  if (!problems.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("header (line 1): ", absl::StrJoin(problems, "; ")));
  }
  return layout;
}

std::string CsvLayout::Cell(const CsvRecord& r,
                            absl::string_view column) const {
  auto it = index_.find(std::string(column));
  if (it == index_.end() || it->second >= r.fields.size()) return "";
  // Free text keeps its inner spacing; every cell loses outer spaces.
  return std::string(absl::StripAsciiWhitespace(r.fields[it->second]));
}

bool CsvLayout::Parse(const CsvRecord& r, Day today, ImportRow* out,
                      std::vector<RowError>* errors) const {
  const size_t before = errors->size();
  CellReader read(errors, r.line);
  if (r.fields.size() != width_) {
    read.Fail("", absl::StrCat("has ", r.fields.size(), " fields; the header ",
                               "has ", width_));
    *out = ImportRow();
    out->line = r.line;
    out->item.kind = kind_;
    return false;
  }
  const auto cell = [&](absl::string_view c) { return Cell(r, c); };
  ImportRow row;
  row.line = r.line;
  Item& it = row.item;
  it.kind = kind_;
  it.external_ref = cell("external_ref");
  it.title = cell("title");
  it.body = cell("body");
  it.received_on = read.Date("received_on", cell("received_on"));
  it.session_id = read.Id("session_id", cell("session_id"));
  it.lead_unit_code = cell("lead_unit_code");
  it.coordinating_unit_codes = SplitList(cell("coordinating_unit_codes"));
  it.due_on = read.Date("due_on", cell("due_on"));
  switch (kind_) {
    case ItemKind::kPetition:
      it.details =
          PetitionDetails{read.Id("batch_id", cell("batch_id")),
                          SplitList(cell("delegations")), cell("field")};
      break;
    case ItemKind::kQuestion:
      it.details = QuestionDetails{
          cell("deputy_name"), cell("delegation"), cell("addressee"),
          read.Enum<QuestionForm>(
              "form", cell("form"),
              "WRITTEN, FLOOR_REDIRECTED, STANDING_COMMITTEE"),
          read.Date("asked_on", cell("asked_on"))};
      if (std::get<QuestionDetails>(it.details).form ==
              QuestionForm::kUnspecified &&
          cell("form").empty()) {
        read.Fail("form", "required");
      }
      break;
    case ItemKind::kDocument:
      it.details = DocumentDetails{
          cell("sender"), cell("document_number"),
          read.Date("document_date", cell("document_date")),
          read.Bool("requires_response", cell("requires_response"))};
      break;
    case ItemKind::kTask:
      it.details = TaskDetails{cell("assigned_by"), cell("source_document"),
                               read.Date("source_date", cell("source_date"))};
      break;
    default:
      break;
  }

  bool answered = false;
  for (const char* c :
       {"answered_on", "answer_document_number", "answer_signer", "answer_text",
        "outcome", "outcome_detail", "roadmap", "expected_completion"}) {
    answered = answered || !cell(c).empty();
  }
  if (answered) {
    Answer a;
    a.sent_on = read.Date("answered_on", cell("answered_on"));
    a.document_number = cell("answer_document_number");
    a.signer = cell("answer_signer");
    a.text = Cell(r, "answer_text");
    a.outcome = read.Enum<Outcome>("outcome", cell("outcome"),
                                   "RESOLVED, IN_RESOLUTION, EXPLAINED");
    a.detail = read.Enum<OutcomeDetail>(
        "outcome_detail", cell("outcome_detail"),
        "the outcome details of DESIGN.md (LEGAL_DOCUMENT, ROADMAP, "
        "EXPLANATION, ...)");
    a.roadmap = cell("roadmap");
    a.expected_completion =
        read.Date("expected_completion", cell("expected_completion"));
    if (cell("outcome").empty()) read.Fail("outcome", "required for an answer");
    if (cell("outcome_detail").empty()) {
      read.Fail("outcome_detail", "required for an answer");
    }
    if (const auto* d = std::get_if<DocumentDetails>(&it.details);
        d != nullptr && !d->requires_response) {
      read.Fail("answered_on",
                "a document that requires no response has no answer");
    }
    row.answer = std::move(a);
  }

  // The item's own rules, reported under their columns. Cells that did not
  // parse already have their violation; skip the "required" that follows.
  std::set<std::string> failed;
  for (size_t i = before; i < errors->size(); ++i) {
    failed.insert((*errors)[i].column);
  }
  Violations v;
  ValidateItem(v, "", it, today);
  if (row.answer) {
    ValidateAnswer(v, "answer.", *row.answer, it.received_on, today);
  }
  for (const Violations::Entry& e : v.entries()) {
    const std::string column = ColumnOf(e.field);
    if (failed.count(column) == 0) read.Fail(column, e.rule);
  }
  const bool valid = errors->size() == before;
  row.valid = valid;
  *out = std::move(row);
  return valid;
}

std::vector<std::string> CsvFields(const Item& it,
                                   const std::optional<Answer>& answer) {
  absl::flat_hash_map<std::string, std::string> v;
  v["id"] = absl::StrCat(it.id);
  v["status"] = Name(it.status);
  v["external_ref"] = it.external_ref;
  v["title"] = it.title;
  v["body"] = it.body;
  v["received_on"] = DateText(it.received_on);
  v["session_id"] = it.session_id > 0 ? absl::StrCat(it.session_id) : "";
  v["lead_unit_code"] = it.lead_unit_code;
  v["coordinating_unit_codes"] = Join(it.coordinating_unit_codes);
  v["due_on"] = DateText(it.due_on);
  if (const auto* p = std::get_if<PetitionDetails>(&it.details)) {
    v["batch_id"] = absl::StrCat(p->batch_id);
    v["delegations"] = Join(p->delegations);
    v["field"] = p->field;
  } else if (const auto* q = std::get_if<QuestionDetails>(&it.details)) {
    v["deputy_name"] = q->deputy_name;
    v["delegation"] = q->delegation;
    v["addressee"] = q->addressee;
    v["form"] = q->form == QuestionForm::kUnspecified ? "" : Name(q->form);
    v["asked_on"] = DateText(q->asked_on);
  } else if (const auto* d = std::get_if<DocumentDetails>(&it.details)) {
    v["sender"] = d->sender;
    v["document_number"] = d->document_number;
    v["document_date"] = DateText(d->document_date);
    v["requires_response"] = d->requires_response ? "true" : "false";
  } else if (const auto* t = std::get_if<TaskDetails>(&it.details)) {
    v["assigned_by"] = t->assigned_by;
    v["source_document"] = t->source_document;
    v["source_date"] = DateText(t->source_date);
  }
  if (answer) {
    v["answered_on"] = DateText(answer->sent_on);
    v["answer_document_number"] = answer->document_number;
    v["answer_signer"] = answer->signer;
    v["answer_text"] = answer->text;
    v["outcome"] = Name(answer->outcome);
    v["outcome_detail"] = Name(answer->detail);
    v["roadmap"] = answer->roadmap;
    v["expected_completion"] = DateText(answer->expected_completion);
  }
  std::vector<std::string> out;
  for (const std::string& c : CsvColumns(it.kind)) out.push_back(v[c]);
  return out;
}

}  // namespace pqtrack::core
