#include "services/core/validation.h"

#include <algorithm>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/dates.h"
#include "services/common/field_violations.h"
#include "services/common/utf8.h"

namespace pqtrack::core {
namespace {

std::string F(absl::string_view prefix, absl::string_view name) {
  return absl::StrCat(prefix, name);
}

bool AllOf(absl::string_view s, absl::string_view extra, bool lower,
           bool upper) {
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (absl::ascii_isdigit(u)) continue;
    if (lower && absl::ascii_islower(u)) continue;
    if (upper && absl::ascii_isupper(u)) continue;
    if (extra.find(c) != absl::string_view::npos) continue;
    return false;
  }
  return true;
}

void CheckDateOrder(Violations& v, absl::string_view later_field,
                    const std::optional<Day>& later,
                    absl::string_view earlier_field,
                    const std::optional<Day>& earlier,
                    absl::string_view verb = "not be before") {
  if (later && earlier && *later < *earlier) {
    v.Add(later_field, absl::StrCat("must ", verb, " ", earlier_field, " (",
                                    FormatIsoDate(*earlier), ")"));
  }
}

void CheckNotAfter(Violations& v, absl::string_view field,
                   const std::optional<Day>& day, absl::string_view other,
                   const std::optional<Day>& limit) {
  if (day && limit && *day > *limit) {
    v.Add(field, absl::StrCat("must not be after ", other, " (",
                              FormatIsoDate(*limit), ")"));
  }
}

void CheckRequiredDate(Violations& v, absl::string_view field,
                       const std::optional<Day>& day) {
  if (!day) v.Add(field, "required");
}

}  // namespace

void Violations::Add(absl::string_view field, absl::string_view rule) {
  items_.push_back({std::string(field), std::string(rule)});
}

absl::Status Violations::ToStatus() const {
  if (items_.empty()) return absl::OkStatus();
  const size_t shown = std::min(items_.size(), kShown);
  std::string text =
      absl::StrJoin(items_.begin(), items_.begin() + shown, "; ",
                    [](std::string* out, const Entry& e) {
                      absl::StrAppend(out, e.field, ": ", e.rule);
                    });
  if (items_.size() > shown) {
    absl::StrAppend(&text, "; and ", items_.size() - shown, " more");
  }
  absl::Status st = absl::InvalidArgumentError(text);
  std::vector<FieldViolation> all;
  for (const Entry& e : items_) {
    if (all.size() == kMaxFieldViolations) break;
    all.push_back({e.field, e.rule});
  }
  SetFieldViolations(&st, all);
  return st;
}

void CheckText(Violations& v, absl::string_view field, absl::string_view value,
               TextRule rule) {
  if (!IsValidUtf8(value)) {
    v.Add(field, "must be valid UTF-8");
    return;
  }
  if (value.find('\0') != absl::string_view::npos) {
    v.Add(field, "must not contain a NUL character");
    return;
  }
  const size_t n = CodePointCount(value);
  if (rule.min_chars > 0 && absl::StripAsciiWhitespace(value).empty()) {
    v.Add(field, "required");
  } else if (n < rule.min_chars) {
    v.Add(field, absl::StrCat("must be at least ", rule.min_chars,
                              " characters (got ", n, ")"));
  } else if (rule.max_chars > 0 && n > rule.max_chars) {
    v.Add(field, absl::StrCat("must be at most ", rule.max_chars,
                              " characters (got ", n, ")"));
  }
}

std::optional<Day> CheckDate(Violations& v, absl::string_view field,
                             bool present, int year, int month, int day,
                             bool required) {
  if (!present) {
    if (required) v.Add(field, "required");
    return std::nullopt;
  }
  if (!IsRealDate(year, month, day)) {
    v.Add(field, absl::StrCat(year, "-", month, "-", day,
                              " is not a real calendar date between ", kMinYear,
                              " and ", kMaxYear));
    return std::nullopt;
  }
  return Day(year, month, day);
}

template <typename E>
E CheckEnum(Violations& v, absl::string_view field, int wire_value) {
  if (wire_value == 0) {
    v.Add(field, "must be set (UNSPECIFIED is not allowed)");
    return E::kUnspecified;
  }
  const std::optional<E> e = EnumFromInt<E>(wire_value);
  if (!e) {
    v.Add(field, absl::StrCat(wire_value, " is not a known value"));
    return E::kUnspecified;
  }
  return *e;
}
template ItemKind CheckEnum<ItemKind>(Violations&, absl::string_view, int);
template ItemStatus CheckEnum<ItemStatus>(Violations&, absl::string_view, int);
template Role CheckEnum<Role>(Violations&, absl::string_view, int);
template UnitKind CheckEnum<UnitKind>(Violations&, absl::string_view, int);
template SessionKind CheckEnum<SessionKind>(Violations&, absl::string_view,
                                            int);
template BatchPhase CheckEnum<BatchPhase>(Violations&, absl::string_view, int);
template QuestionForm CheckEnum<QuestionForm>(Violations&, absl::string_view,
                                              int);
template Outcome CheckEnum<Outcome>(Violations&, absl::string_view, int);
template OutcomeDetail CheckEnum<OutcomeDetail>(Violations&, absl::string_view,
                                                int);
template CoordinationState CheckEnum<CoordinationState>(Violations&,
                                                        absl::string_view, int);
template ClockRule CheckEnum<ClockRule>(Violations&, absl::string_view, int);

void CheckUnitCode(Violations& v, absl::string_view field,
                   absl::string_view code, bool required) {
  if (code.empty()) {
    if (required) v.Add(field, "required");
    return;
  }
  if (code.size() > 32 || !AllOf(code, "-_.", false, true)) {
    v.Add(field, "must be 1-32 characters from A-Z, 0-9, '-', '_' and '.'");
  }
}

void CheckRequestId(Violations& v, absl::string_view field,
                    absl::string_view id) {
  if (id.empty()) {
    v.Add(field, "required");
  } else if (id.size() < 8 || id.size() > 100 ||
             !AllOf(id, "-_.:", true, true)) {
    v.Add(field,
          "must be 8-100 characters from A-Z, a-z, 0-9, '-', '_', '.' and "
          "':'");
  }
}

int CheckPageSize(Violations& v, absl::string_view field, int page_size) {
  if (page_size < 0 || page_size > 500) {
    v.Add(field,
          absl::StrCat("must be between 0 and 500 (got ", page_size, ")"));
    return 50;
  }
  return page_size == 0 ? 50 : page_size;
}

void CheckTermCode(Violations& v, absl::string_view field,
                   absl::string_view code, bool required) {
  if (code.empty()) {
    if (required) v.Add(field, "required");
  } else if (code.size() > 16 || !AllOf(code, "", false, true)) {
    v.Add(field, "must be 1-16 characters from A-Z and 0-9");
  }
}

void ValidateTerm(Violations& v, absl::string_view p, const Term& t) {
  CheckTermCode(v, F(p, "code"), t.code, true);
  if (t.number < 1 || t.number > 99) {
    v.Add(F(p, "number"), "must be between 1 and 99");
  }
  if (t.start_year < 1946 || t.start_year > kMaxYear) {
    v.Add(F(p, "start_year"), "must be between 1946 and 2999");
  }
  if (t.end_year < t.start_year || t.end_year > kMaxYear) {
    v.Add(F(p, "end_year"), "must not be before start_year");
  }
}

void ValidateSession(Violations& v, absl::string_view p, const Session& s) {
  CheckTermCode(v, F(p, "term_code"), s.term_code, true);
  if (s.number < 1 || s.number > 99) {
    v.Add(F(p, "number"), "must be between 1 and 99");
  }
  CheckRequiredDate(v, F(p, "opens_on"), s.opens_on);
  CheckRequiredDate(v, F(p, "closes_on"), s.closes_on);
  CheckDateOrder(v, F(p, "closes_on"), s.closes_on, "opens_on", s.opens_on);
  CheckText(v, F(p, "note"), s.note, {0, 2000});
}

void ValidateBatch(Violations& v, absl::string_view p, const Batch& b,
                   Day today) {
  if (b.session_id <= 0) v.Add(F(p, "session_id"), "required");
  CheckText(v, F(p, "forwarding_body"), b.forwarding_body, {1, 300});
  CheckText(v, F(p, "document_number"), b.document_number, {1, 100});
  CheckRequiredDate(v, F(p, "received_on"), b.received_on);
  CheckNotAfter(v, F(p, "received_on"), b.received_on, "today", today);
  CheckText(v, F(p, "note"), b.note, {0, 2000});
}

void ValidateUnit(Violations& v, absl::string_view p, const Unit& u) {
  CheckUnitCode(v, F(p, "code"), u.code, true);
  CheckText(v, F(p, "name_vi"), u.name_vi, {1, 300});
  CheckText(v, F(p, "name_en"), u.name_en, {0, 300});
  CheckUnitCode(v, F(p, "parent_code"), u.parent_code, false);
  CheckUnitCode(v, F(p, "successor_code"), u.successor_code, false);
  const bool root =
      u.kind == UnitKind::kMinistry || u.kind == UnitKind::kExternalAgency;
  if (u.kind != UnitKind::kUnspecified) {
    if (root && !u.parent_code.empty()) {
      v.Add(F(p, "parent_code"),
            absl::StrCat("must be empty for a ", Name(u.kind)));
    } else if (!root && u.parent_code.empty()) {
      v.Add(F(p, "parent_code"), absl::StrCat("required for a ", Name(u.kind)));
    }
  }
  if (!u.code.empty() && u.parent_code == u.code) {
    v.Add(F(p, "parent_code"), "must not be the unit itself");
  }
  if (!u.code.empty() && u.successor_code == u.code) {
    v.Add(F(p, "successor_code"), "must not be the unit itself");
  }
  CheckDateOrder(v, F(p, "valid_to"), u.valid_to, "valid_from", u.valid_from);
}

void ValidateUser(Violations& v, absl::string_view p, const User& u) {
  if (u.login.empty()) {
    v.Add(F(p, "login"), "required");
  } else if (u.login.size() < 3 || u.login.size() > 64 ||
             !AllOf(u.login, "._-", true, false)) {
    v.Add(F(p, "login"),
          "must be 3-64 characters from a-z, 0-9, '.', '_' and '-'");
  }
  CheckText(v, F(p, "display_name"), u.display_name, {1, 200});
  if ((u.role == Role::kLeader || u.role == Role::kResponder) &&
      u.unit_code.empty()) {
    v.Add(F(p, "unit_code"), absl::StrCat("required for ", Name(u.role)));
  }
  CheckUnitCode(v, F(p, "unit_code"), u.unit_code, false);
  if (!u.email.empty()) {
    const size_t at = u.email.find('@');
    if (u.email.size() > 254 || at == std::string::npos || at == 0 ||
        at + 1 >= u.email.size() ||
        u.email.find('@', at + 1) != std::string::npos ||
        u.email.find_first_of(" \t\r\n") != std::string::npos ||
        !IsValidUtf8(u.email)) {
      v.Add(F(p, "email"),
            "must be an address local@domain of at most 254 "
            "characters");
    }
  }
}

void ValidateItem(Violations& v, absl::string_view p, const Item& item,
                  Day today) {
  CheckText(v, F(p, "external_ref"), item.external_ref, {0, 100});
  CheckText(v, F(p, "title"), item.title, {1, 500});
  CheckText(v, F(p, "body"), item.body, {0, 100000});
  CheckRequiredDate(v, F(p, "received_on"), item.received_on);
  CheckNotAfter(v, F(p, "received_on"), item.received_on, "today", today);
  CheckDateOrder(v, F(p, "due_on"), item.due_on, "received_on",
                 item.received_on);
  if (item.session_id < 0) v.Add(F(p, "session_id"), "must not be negative");

  CheckUnitCode(v, F(p, "lead_unit_code"), item.lead_unit_code, false);
  if (!item.coordinating_unit_codes.empty() && item.lead_unit_code.empty()) {
    v.Add(F(p, "coordinating_unit_codes"), "need a lead_unit_code");
  }
  if (item.coordinating_unit_codes.size() > 50) {
    v.Add(F(p, "coordinating_unit_codes"), "at most 50 units");
  }
  std::set<std::string> seen;
  for (const std::string& code : item.coordinating_unit_codes) {
    const std::string f = F(p, "coordinating_unit_codes");
    CheckUnitCode(v, f, code, true);
    if (!seen.insert(code).second) {
      v.Add(f, absl::StrCat("\"", code, "\" is listed twice"));
    }
    if (code == item.lead_unit_code) {
      v.Add(f, absl::StrCat("\"", code, "\" is already the lead unit"));
    }
  }

  const auto expect = [&](bool ok) {
    if (!ok && item.kind != ItemKind::kUnspecified) {
      v.Add(
          F(p, "details"),
          absl::StrCat("required: the ", absl::AsciiStrToLower(Name(item.kind)),
                       " details matching kind ", Name(item.kind)));
    }
  };
  switch (item.kind) {
    case ItemKind::kPetition: {
      const auto* d = std::get_if<PetitionDetails>(&item.details);
      expect(d != nullptr);
      if (!d) break;
      const std::string dp = F(p, "petition.");
      if (d->batch_id <= 0) v.Add(F(dp, "batch_id"), "required");
      if (d->delegations.empty()) {
        v.Add(F(dp, "delegations"), "at least one delegation is required");
      } else if (d->delegations.size() > 100) {
        v.Add(F(dp, "delegations"), "at most 100 delegations");
      }
      std::set<std::string> names;
      for (const std::string& name : d->delegations) {
        CheckText(v, F(dp, "delegations"), name, {1, 100});
        if (!names.insert(name).second) {
          v.Add(F(dp, "delegations"),
                absl::StrCat("\"", name, "\" is listed twice"));
        }
      }
      CheckText(v, F(dp, "field"), d->field, {1, 200});
      break;
    }
    case ItemKind::kQuestion: {
      const auto* d = std::get_if<QuestionDetails>(&item.details);
      expect(d != nullptr);
      if (!d) break;
      const std::string dp = F(p, "question.");
      if (item.session_id <= 0) {
        v.Add(F(p, "session_id"), "required for a question");
      }
      CheckText(v, F(dp, "deputy_name"), d->deputy_name, {1, 200});
      CheckText(v, F(dp, "delegation"), d->delegation, {1, 100});
      CheckText(v, F(dp, "addressee"), d->addressee, {1, 300});
      CheckRequiredDate(v, F(dp, "asked_on"), d->asked_on);
      CheckNotAfter(v, F(dp, "asked_on"), d->asked_on, "received_on",
                    item.received_on);
      break;
    }
    case ItemKind::kDocument: {
      const auto* d = std::get_if<DocumentDetails>(&item.details);
      expect(d != nullptr);
      if (!d) break;
      const std::string dp = F(p, "document.");
      CheckText(v, F(dp, "sender"), d->sender, {1, 300});
      CheckText(v, F(dp, "document_number"), d->document_number, {1, 100});
      CheckRequiredDate(v, F(dp, "document_date"), d->document_date);
      CheckNotAfter(v, F(dp, "document_date"), d->document_date, "received_on",
                    item.received_on);
      if (!d->requires_response && !item.lead_unit_code.empty()) {
        v.Add(F(p, "lead_unit_code"),
              "must be empty for a document that requires no response");
      }
      break;
    }
    case ItemKind::kTask: {
      const auto* d = std::get_if<TaskDetails>(&item.details);
      expect(d != nullptr);
      if (!d) break;
      const std::string dp = F(p, "task.");
      CheckText(v, F(dp, "assigned_by"), d->assigned_by, {1, 300});
      CheckText(v, F(dp, "source_document"), d->source_document, {1, 100});
      CheckNotAfter(v, F(dp, "source_date"), d->source_date, "received_on",
                    item.received_on);
      break;
    }
    case ItemKind::kUnspecified:
      break;
  }
}

void ValidateItemFilter(Violations& v, const ItemFilter& f,
                        absl::string_view p) {
  if (f.session_id < 0) v.Add(F(p, "session_id"), "must not be negative");
  if (f.batch_id < 0) v.Add(F(p, "batch_id"), "must not be negative");
  CheckUnitCode(v, F(p, "lead_unit_code"), f.lead_unit_code, false);
  CheckDateOrder(v, F(p, "received_to"), f.received_to, "received_from",
                 f.received_from);
}

}  // namespace pqtrack::core
