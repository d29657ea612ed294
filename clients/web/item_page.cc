// The item page of pqtrack-web and the moves posted from it (see
// web_desk.h).
#include <grpcpp/client_context.h>

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "clients/common/attachments.h"
#include "clients/common/output.h"
#include "clients/web/html.h"
#include "clients/web/web_desk.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "pqtrack/v1/attachment.grpc.pb.h"
#include "pqtrack/v1/calendar.grpc.pb.h"
#include "pqtrack/v1/item.grpc.pb.h"
#include "pqtrack/v1/workflow.grpc.pb.h"
#include "services/common/dates.h"
#include "services/core/attachments.h"
#include "services/core/enums.h"

namespace pqtrack::web {
namespace {

using client::EnumLabel;

// The attributes of a file input with which /desk.js refuses a file too
// large before it is sent.
std::string FileLimit(const std::string& lang) {
  return absl::StrCat(" data-max-bytes=\"", core::kMaxAttachmentBytes,
                      "\" data-too-big=\"", Escape(T(lang, "too_big")), "\"");
}

std::string Label(const std::string& lang,
                  const google::protobuf::EnumDescriptor* d, int value) {
  return Escape(T(lang, EnumLabel(d, value)));
}

// A row of the details list, left out when the value is empty.
void Field(std::string& out, const std::string& lang, const std::string& key,
           const std::string& value) {
  if (value.empty()) return;
  absl::StrAppend(&out, "<dt>", Escape(T(lang, key)), "</dt><dd>",
                  Escape(value), "</dd>");
}

// Text with its line breaks kept (the stylesheet's white-space rule).
std::string Prose(const std::string& text) {
  return absl::StrCat("<div class=\"prose\">", Escape(text), "</div>");
}

// "YYYY-MM-DD" of an <input type="date">, as a v1::Date; false when it is
// not one (the server judges whether the day is acceptable).
bool ParseDateInput(const std::string& text, v1::Date* out) {
  const std::vector<std::string> parts = absl::StrSplit(text, '-');
  int y = 0, m = 0, d = 0;
  if (parts.size() != 3 || !absl::SimpleAtoi(parts[0], &y) ||
      !absl::SimpleAtoi(parts[1], &m) || !absl::SimpleAtoi(parts[2], &d)) {
    return false;
  }
  out->set_year(y);
  out->set_month(m);
  out->set_day(d);
  return true;
}

// The details of an event (comment, reason, input, answer...) as a list,
// each key in words; JSON that does not parse is shown as it is.
std::string EventDetail(const std::string& lang, const std::string& json) {
  if (json.empty() || json == "{}") return "";
  google::protobuf::Struct detail;
  if (!google::protobuf::util::JsonStringToMessage(json, &detail).ok()) {
    return Escape(json);
  }
  std::string out = "<dl class=\"detail\">";
  for (const auto& [key, value] : detail.fields()) {
    std::string text;
    switch (value.kind_case()) {
      case google::protobuf::Value::kStringValue:
        text = value.string_value();
        break;
      case google::protobuf::Value::kNumberValue:
        text = absl::StrCat(value.number_value());
        break;
      case google::protobuf::Value::kBoolValue:
        text = value.bool_value() ? "✓" : "✗";
        break;
      case google::protobuf::Value::kNullValue:
        continue;
      default: {
        std::string nested;
        (void)google::protobuf::util::MessageToJsonString(value, &nested);
        text = nested;
      }
    }
    if (text.empty()) continue;
    // Enum names (outcome, kind, status) in words; anything a user wrote
    // (a comment, a reason) as it is.
    const bool named = key == "outcome" || key == "outcome_detail" ||
                       key == "kind" || key == "status" || key == "state";
    absl::StrAppend(&out, "<dt>", Escape(T(lang, key)), "</dt><dd>",
                    Escape(named ? T(lang, text) : text), "</dd>");
  }
  return absl::StrCat(out, "</dl>");
}

// The hidden fields every move's form carries.
std::string Hidden(const std::string& csrf, int64_t version) {
  return absl::StrCat(
      "<input type=\"hidden\" name=\"csrf\" value=\"", Escape(csrf),
      "\"><input type=\"hidden\" name=\"version\" value=\"", version, "\">");
}

bool Has(const v1::ListAllowedMovesResponse& allowed, v1::WorkflowMove m) {
  for (int x : allowed.moves()) {
    if (x == m) return true;
  }
  return false;
}

// A field of a posted form, urlencoded or multipart.
std::string FormValue(const httplib::Request& req, const std::string& name) {
  if (req.has_param(name)) return req.get_param_value(name);
  if (req.has_file(name)) return req.get_file_value(name).content;
  return "";
}

// "12.3 KB"-style size.
std::string Size(int64_t bytes) {
  if (bytes < 1024) return absl::StrCat(bytes, " B");
  if (bytes < 1024 * 1024) {
    return absl::StrFormat("%.1f KB", static_cast<double>(bytes) / 1024);
  }
  return absl::StrFormat("%.1f MB", static_cast<double>(bytes) / 1048576);
}

// The value a field had in the form just posted (so a refused form keeps
// what was typed), else `fallback`.
std::string Posted(const httplib::Request* posted, const std::string& name,
                   const std::string& fallback = "") {
  if (posted != nullptr &&
      (posted->has_param(name) || posted->has_file(name))) {
    return FormValue(*posted, name);
  }
  return fallback;
}

}  // namespace

void WebDesk::ItemPage(const httplib::Request& req, httplib::Response& res,
                       const Session& s, int64_t id, const Notice& notice) {
  const std::string& lang = s.lang;
  v1::GetItemRequest get;
  get.set_id(id);
  v1::GetItemResponse got;
  grpc::Status st = v1::ItemService::NewStub(channel_)->GetItem(
      Context(s.secret).get(), get, &got);
  if (st.error_code() == grpc::NOT_FOUND) {
    res.status = 404;
    res.set_content(
        Page(lang, T(lang, "item"),
             absl::StrCat("<p class=\"error\" role=\"alert\">",
                          Escape(T(lang, "not_found")), "</p><p><a href=\"/\">",
                          Escape(T(lang, "back")), "</a></p>"),
             HeaderBar(s)),
        "text/html; charset=utf-8");
    return;
  }
  auto workflow = v1::WorkflowService::NewStub(channel_);
  v1::ListAllowedMovesRequest ask;
  ask.set_item_id(id);
  v1::ListAllowedMovesResponse allowed;
  if (st.ok()) {
    st = workflow->ListAllowedMoves(Context(s.secret).get(), ask, &allowed);
  }
  v1::ListDraftsRequest dreq;
  dreq.set_item_id(id);
  v1::ListDraftsResponse drafts;
  if (st.ok())
    st = workflow->ListDrafts(Context(s.secret).get(), dreq, &drafts);
  v1::GetItemHistoryRequest hreq;
  hreq.set_id(id);
  v1::GetItemHistoryResponse history;
  if (st.ok()) {
    st = v1::ItemService::NewStub(channel_)->GetItemHistory(
        Context(s.secret).get(), hreq, &history);
  }
  v1::ExplainDeadlineRequest ereq;
  ereq.set_item_id(id);
  v1::ExplainDeadlineResponse due;
  if (st.ok()) {
    st = v1::CalendarService::NewStub(channel_)->ExplainDeadline(
        Context(s.secret).get(), ereq, &due);
  }
  v1::ListAttachmentsRequest areq;
  areq.set_item_id(id);
  v1::ListAttachmentsResponse files;
  if (st.ok()) {
    st = v1::AttachmentService::NewStub(channel_)->ListAttachments(
        Context(s.secret).get(), areq, &files);
  }
  if (!st.ok()) return ServerError(res, s, T(lang, "item"), st);

  const v1::Item& it = got.item();
  // The moves are worked out on the version the page shows, so every form
  // carries the version the user saw.
  const int64_t version = allowed.version();
  std::string body = absl::StrCat(
      "<p class=\"noprint\"><a href=\"/\">", Escape(T(lang, "back")),
      "</a></p><article class=\"item\"><h2>", Escape(T(lang, "item")), " ",
      it.id(), ": ", Escape(it.title()), "</h2><p class=\"badges\">",
      "<span class=\"badge\">",
      Label(lang, v1::ItemKind_descriptor(), it.kind()),
      "</span> <span class=\"badge\">",
      Label(lang, v1::ItemStatus_descriptor(), it.status()), "</span></p>");
  if (!notice.error.empty()) {
    absl::StrAppend(&body, "<p class=\"error\" role=\"alert\">",
                    Escape(notice.error), "</p>");
  }
  if (!notice.done.empty()) {
    absl::StrAppend(&body, "<p class=\"done\" role=\"status\">",
                    Escape(T(lang, notice.done)), "</p>");
  }

  // The item's own fields.
  std::string dl;
  Field(dl, lang, "received_on", Date(it.received_on()));
  Field(dl, lang, "due", Date(it.due_on()));
  Field(dl, lang, "lead_unit", it.lead_unit_code());
  Field(dl, lang, "external_ref", it.external_ref());
  if (it.session_id() > 0) {
    Field(dl, lang, "session", absl::StrCat(it.session_id()));
  }
  if (it.has_petition()) {
    Field(dl, lang, "batch", absl::StrCat(it.petition().batch_id()));
    Field(dl, lang, "field", it.petition().field());
  } else if (it.has_question()) {
    Field(dl, lang, "deputy", it.question().deputy_name());
    Field(dl, lang, "delegation", it.question().delegation());
    Field(dl, lang, "addressee", it.question().addressee());
    Field(dl, lang, "asked_on", Date(it.question().asked_on()));
  } else if (it.has_document()) {
    Field(dl, lang, "sender", it.document().sender());
    Field(dl, lang, "document_number", it.document().document_number());
    Field(dl, lang, "document_date", Date(it.document().document_date()));
  } else if (it.has_task()) {
    Field(dl, lang, "assigned_by", it.task().assigned_by());
    Field(dl, lang, "source_document", it.task().source_document());
    Field(dl, lang, "source_date", Date(it.task().source_date()));
  }
  absl::StrAppend(&body, "<section><h3>", Escape(T(lang, "fields")),
                  "</h3><dl class=\"fields\">", dl, "</dl>");
  if (!it.body().empty()) {
    absl::StrAppend(&body, "<h4>", Escape(T(lang, "body")), "</h4>",
                    Prose(it.body()));
  }
  absl::StrAppend(&body, "</section>");

  // Sources: delegations (its own and those of merged petitions), merged
  // items, or the item this one was merged into.
  std::string sources;
  const auto& delegations = it.all_delegations().empty() && it.has_petition()
                                ? it.petition().delegations()
                                : it.all_delegations();
  if (!delegations.empty()) {
    std::vector<std::string> names(delegations.begin(), delegations.end());
    absl::StrAppend(&sources, "<dt>", Escape(T(lang, "delegations")),
                    "</dt><dd>", Escape(absl::StrJoin(names, ", ")), "</dd>");
  }
  if (!it.merged_item_ids().empty()) {
    absl::StrAppend(&sources, "<dt>", Escape(T(lang, "merged")), "</dt><dd>");
    for (int64_t m : it.merged_item_ids()) {
      absl::StrAppend(&sources, "<a href=\"/items/", m, "\">", m, "</a> ");
    }
    absl::StrAppend(&sources, "</dd>");
  }
  if (it.merged_into() > 0) {
    absl::StrAppend(&sources, "<dt>", Escape(T(lang, "merged_into")),
                    "</dt><dd><a href=\"/items/", it.merged_into(), "\">",
                    it.merged_into(), "</a></dd>");
  }
  if (!sources.empty()) {
    absl::StrAppend(&body, "<section><h3>", Escape(T(lang, "sources")),
                    "</h3><dl class=\"fields\">", sources, "</dl></section>");
  }

  // The due date and how it was worked out.
  absl::StrAppend(&body, "<section><h3>", Escape(T(lang, "due_explained")),
                  "</h3>");
  if (it.due_on().year() == 0) {
    absl::StrAppend(&body, "<p>", Escape(T(lang, "no_due")), "</p>");
  } else {
    absl::StrAppend(&body, "<p><strong>", Date(it.due_on()), "</strong>");
    if (!due.source().empty()) {
      absl::StrAppend(&body, " (", Escape(T(lang, due.source())), ")");
    }
    absl::StrAppend(&body, "</p>");
    if (!due.steps().empty()) {
      absl::StrAppend(&body, "<ol class=\"steps\">");
      for (const std::string& step : due.steps()) {
        absl::StrAppend(&body, "<li>", Escape(step), "</li>");
      }
      absl::StrAppend(&body, "</ol>");
    }
    if (due.calendar_incomplete()) {
      absl::StrAppend(&body, "<p class=\"warn\">",
                      Escape(T(lang, "calendar_incomplete")), "</p>");
    }
  }
  absl::StrAppend(&body, "</section>");

  // Coordination, unit by unit.
  if (!it.coordination().empty()) {
    absl::StrAppend(&body, "<section><h3>", Escape(T(lang, "coordination")),
                    "</h3><table><thead><tr>");
    for (const char* col : {"unit", "due", "state", "input", "given_at"}) {
      absl::StrAppend(&body, "<th scope=\"col\">", Escape(T(lang, col)),
                      "</th>");
    }
    absl::StrAppend(&body, "</tr></thead><tbody>");
    for (const v1::Coordination& c : it.coordination()) {
      absl::StrAppend(
          &body, "<tr><td>", Escape(c.unit_code()), "</td><td>",
          Date(c.due_on()), "</td><td>",
          Label(lang, v1::CoordinationState_descriptor(), c.state()),
          "</td><td>", Prose(c.text()), "</td><td>", LocalTime(c.input_time()),
          "</td></tr>");
    }
    absl::StrAppend(&body, "</tbody></table></section>");
  }

  // The answer as sent.
  if (it.has_answer()) {
    const v1::SentAnswer& a = it.answer();
    std::string fields;
    Field(fields, lang, "document_number", a.document_number());
    Field(fields, lang, "signer", a.signer());
    Field(fields, lang, "sent_on", Date(a.sent_on()));
    Field(fields, lang, "outcome",
          absl::StrCat(
              T(lang, EnumLabel(v1::Outcome_descriptor(), a.outcome())), " — ",
              T(lang, EnumLabel(v1::OutcomeDetail_descriptor(),
                                a.outcome_detail()))));
    Field(fields, lang, "roadmap", a.roadmap());
    Field(fields, lang, "expected_completion", Date(a.expected_completion()));
    Field(fields, lang, "sent_by",
          absl::StrCat(a.sender_login(), " · ", LocalTime(a.record_time())));
    absl::StrAppend(&body, "<section class=\"answer\"><h3>",
                    Escape(T(lang, "answer")), "</h3><dl class=\"fields\">",
                    fields, "</dl>", Prose(a.text()), "</section>");
  }

  // What the user may do now. The server decides again on each move.
  const std::string latest =
      drafts.drafts().empty() ? "" : drafts.drafts(0).text();
  const std::string base = absl::StrCat("/items/", it.id());
  std::string actions;
  if (Has(allowed, v1::WORKFLOW_MOVE_SAVE_DRAFT)) {
    const std::string mine = notice.conflict
                                 ? notice.my_text
                                 : Posted(notice.posted, "text", latest);
    absl::StrAppend(&actions, "<form method=\"post\" action=\"", base,
                    "/draft\" class=\"move\">", Hidden(s.csrf, version));
    if (notice.conflict) {
      absl::StrAppend(&actions, "<p class=\"error\" role=\"alert\">",
                      Escape(T(lang, "conflict")),
                      "</p><div class=\"compare\"><div>");
    }
    absl::StrAppend(
        &actions, "<label for=\"draft-text\">",
        Escape(T(lang, notice.conflict ? "your_version" : "draft_editor")),
        "</label><textarea id=\"draft-text\" name=\"text\" rows=\"12\" "
        "required maxlength=\"100000\">",
        Escape(mine), "</textarea>");
    if (notice.conflict) {
      absl::StrAppend(&actions, "</div><div><p class=\"label\">",
                      Escape(T(lang, "their_version")), "</p>", Prose(latest),
                      "</div></div>");
    }
    absl::StrAppend(&actions, "<button type=\"submit\">",
                    Escape(T(lang, "save_draft")), "</button></form>");
  }
  if (Has(allowed, v1::WORKFLOW_MOVE_SUBMIT_RESPONSE)) {
    absl::StrAppend(&actions, "<form method=\"post\" action=\"", base,
                    "/submit\" class=\"move\">", Hidden(s.csrf, version),
                    "<button type=\"submit\">",
                    Escape(T(lang, "submit_response")), "</button></form>");
  }
  if (Has(allowed, v1::WORKFLOW_MOVE_APPROVE) ||
      Has(allowed, v1::WORKFLOW_MOVE_RETURN)) {
    absl::StrAppend(&actions, "<div class=\"move\"><h4>",
                    Escape(T(lang, "answer_text")), "</h4>", Prose(latest),
                    "</div>");
  }
  if (Has(allowed, v1::WORKFLOW_MOVE_APPROVE)) {
    absl::StrAppend(
        &actions, "<form method=\"post\" action=\"", base,
        "/approve\" class=\"move\">", Hidden(s.csrf, version),
        "<label for=\"approve-comment\">", Escape(T(lang, "comment")),
        "</label><textarea id=\"approve-comment\" name=\"comment\" rows=\"2\" "
        "maxlength=\"2000\"></textarea><button type=\"submit\">",
        Escape(T(lang, "approve")), "</button></form>");
  }
  if (Has(allowed, v1::WORKFLOW_MOVE_RETURN)) {
    absl::StrAppend(
        &actions, "<form method=\"post\" action=\"", base,
        "/return\" class=\"move\">", Hidden(s.csrf, version),
        "<label for=\"return-comment\">", Escape(T(lang, "return_reason")),
        "</label><textarea id=\"return-comment\" name=\"comment\" rows=\"3\" "
        "required maxlength=\"2000\">",
        Escape(Posted(notice.posted, "comment")),
        "</textarea><button type=\"submit\">", Escape(T(lang, "return")),
        "</button></form>");
  }
  if (Has(allowed, v1::WORKFLOW_MOVE_SUBMIT_INPUT)) {
    absl::StrAppend(&actions, "<form method=\"post\" action=\"", base,
                    "/input\" class=\"move\">", Hidden(s.csrf, version));
    if (allowed.input_unit_codes_size() > 1) {
      absl::StrAppend(&actions, "<label for=\"input-unit\">",
                      Escape(T(lang, "unit")),
                      "</label><select id=\"input-unit\" name=\"unit_code\">");
      for (const std::string& code : allowed.input_unit_codes()) {
        absl::StrAppend(&actions, "<option>", Escape(code), "</option>");
      }
      absl::StrAppend(&actions, "</select>");
    }
    absl::StrAppend(
        &actions, "<label for=\"input-text\">", Escape(T(lang, "input_text")),
        "</label><textarea id=\"input-text\" name=\"text\" rows=\"4\" required "
        "maxlength=\"100000\">",
        Escape(Posted(notice.posted, "text")),
        "</textarea><button type=\"submit\">", Escape(T(lang, "give_input")),
        "</button> <button type=\"submit\" name=\"decline\" value=\"1\" "
        "class=\"secondary\">",
        Escape(T(lang, "decline")), "</button></form>");
  }
  if (Has(allowed, v1::WORKFLOW_MOVE_SEND)) {
    const std::string today =
        absl::FormatTime("%Y-%m-%d", absl::Now(), MinistryTimeZone());
    absl::StrAppend(
        &actions, "<form method=\"post\" action=\"", base,
        "/send\" class=\"move send\" enctype=\"multipart/form-data\">",
        Hidden(s.csrf, version), "<h4>", Escape(T(lang, "send")),
        "</h4><label for=\"send-number\">", Escape(T(lang, "document_number")),
        "</label><input id=\"send-number\" name=\"document_number\" required "
        "maxlength=\"100\" value=\"",
        Escape(Posted(notice.posted, "document_number")),
        "\"><label for=\"send-signer\">", Escape(T(lang, "signer")),
        "</label><input id=\"send-signer\" name=\"signer\" required "
        "maxlength=\"200\" value=\"",
        Escape(Posted(notice.posted, "signer")), "\"><label for=\"send-on\">",
        Escape(T(lang, "sent_on")),
        "</label><input id=\"send-on\" name=\"sent_on\" type=\"date\" required "
        "value=\"",
        Escape(Posted(notice.posted, "sent_on", today)),
        "\"><label for=\"send-outcome\">", Escape(T(lang, "outcome")),
        "</label><select id=\"send-outcome\" name=\"outcome_detail\" "
        "required>");
    // Each sub-class under its class, as core groups them.
    const std::string chosen = Posted(notice.posted, "outcome_detail");
    for (int o = 1; o < v1::Outcome_ARRAYSIZE; ++o) {
      absl::StrAppend(&actions, "<optgroup label=\"",
                      Label(lang, v1::Outcome_descriptor(), o), "\">");
      for (int d = 1; d < v1::OutcomeDetail_ARRAYSIZE; ++d) {
        if (static_cast<int>(
                core::OutcomeOf(static_cast<core::OutcomeDetail>(d))) != o) {
          continue;
        }
        const std::string name = EnumLabel(v1::OutcomeDetail_descriptor(), d);
        absl::StrAppend(&actions, "<option value=\"", name, "\"",
                        chosen == name ? " selected" : "", ">",
                        Escape(T(lang, name)), "</option>");
      }
      absl::StrAppend(&actions, "</optgroup>");
    }
    absl::StrAppend(
        &actions, "</select><label for=\"send-roadmap\">",
        Escape(T(lang, "roadmap")),
        "</label><textarea id=\"send-roadmap\" name=\"roadmap\" rows=\"2\" "
        "maxlength=\"10000\">",
        Escape(Posted(notice.posted, "roadmap")),
        "</textarea><label for=\"send-completion\">",
        Escape(T(lang, "expected_completion")),
        "</label><input id=\"send-completion\" name=\"expected_completion\" "
        "type=\"date\" value=\"",
        Escape(Posted(notice.posted, "expected_completion")),
        "\"><label for=\"send-file\">", Escape(T(lang, "signed_file")),
        "</label><input id=\"send-file\" name=\"file\" type=\"file\" "
        "accept=\".pdf,.docx,.png,.jpg,.jpeg\"",
        FileLimit(lang), "><button type=\"submit\">", Escape(T(lang, "send")),
        "</button></form>");
  }
  absl::StrAppend(
      &body, "<section class=\"actions noprint\"><h3>",
      Escape(T(lang, "actions")), "</h3>",
      actions.empty()
          ? absl::StrCat("<p>", Escape(T(lang, "no_actions")), "</p>")
          : actions,
      "</section>");

  // The files, and a form to add one.
  absl::StrAppend(&body, "<section><h3>", Escape(T(lang, "files")), "</h3>");
  if (files.attachments().empty()) {
    absl::StrAppend(&body, "<p>", Escape(T(lang, "no_files")), "</p>");
  } else {
    absl::StrAppend(&body, "<table class=\"files\"><thead><tr>");
    for (const char* col : {"file", "kind", "size", "who", "when", "sha256"}) {
      absl::StrAppend(&body, "<th scope=\"col\">", Escape(T(lang, col)),
                      "</th>");
    }
    absl::StrAppend(&body, "</tr></thead><tbody>");
    for (const v1::Attachment& a : files.attachments()) {
      absl::StrAppend(&body, "<tr><td><a href=\"", base, "/files/", a.id(),
                      "\">", Escape(a.file_name()), "</a></td><td>",
                      Label(lang, v1::AttachmentKind_descriptor(), a.kind()),
                      "</td><td>", Size(a.size_bytes()), "</td><td>",
                      Escape(a.uploaded_by_login()), "</td><td>",
                      LocalTime(a.upload_time()),
                      "</td><td><code class=\"hash\">", Escape(a.sha256()),
                      "</code></td></tr>");
    }
    absl::StrAppend(&body, "</tbody></table>");
  }
  absl::StrAppend(
      &body, "<form method=\"post\" action=\"", base,
      "/files\" class=\"move noprint\" enctype=\"multipart/form-data\">",
      Hidden(s.csrf, version), "<label for=\"file-kind\">",
      Escape(T(lang, "kind")),
      "</label><select id=\"file-kind\" name=\"kind\"><option "
      "value=\"SUPPORTING\">",
      Escape(T(lang, "SUPPORTING")),
      "</option><option value=\"SIGNED_ANSWER\">",
      Escape(T(lang, "SIGNED_ANSWER")),
      "</option></select><label for=\"file-input\">",
      Escape(T(lang, "file_hint")),
      "</label><input id=\"file-input\" name=\"file\" type=\"file\" "
      "required accept=\".pdf,.docx,.png,.jpg,.jpeg\"",
      FileLimit(lang), "><button type=\"submit\">", Escape(T(lang, "attach")),
      "</button></form></section>");

  // Every draft version, newest first.
  absl::StrAppend(&body, "<section><h3>", Escape(T(lang, "drafts")), "</h3>");
  if (drafts.drafts().empty()) {
    absl::StrAppend(&body, "<p>", Escape(T(lang, "no_drafts")), "</p>");
  }
  for (const v1::Draft& d : drafts.drafts()) {
    absl::StrAppend(&body, "<details", &d == &drafts.drafts(0) ? " open" : "",
                    "><summary>", Escape(T(lang, "draft_n")), " ", d.number(),
                    " · ", Escape(d.author_login()), " · ",
                    LocalTime(d.create_time()), "</summary>", Prose(d.text()),
                    "</details>");
  }
  absl::StrAppend(&body, "</section>");

  // The history, oldest first.
  absl::StrAppend(&body, "<section><h3>", Escape(T(lang, "history")),
                  "</h3><table><thead><tr>");
  for (const char* col : {"when", "who", "what", "details"}) {
    absl::StrAppend(&body, "<th scope=\"col\">", Escape(T(lang, col)), "</th>");
  }
  absl::StrAppend(&body, "</tr></thead><tbody>");
  for (const v1::Event& e : history.events()) {
    absl::StrAppend(
        &body, "<tr><td>", LocalTime(e.time()), "</td><td>",
        Escape(e.actor_login().empty() ? T(lang, "system") : e.actor_login()),
        "</td><td>", Escape(T(lang, e.kind())), "</td><td>",
        EventDetail(lang, e.detail_json()), "</td></tr>");
  }
  absl::StrAppend(&body,
                  "</tbody></table></section></article>"
                  "<script src=\"/desk.js\" defer></script>");
  (void)req;
  res.set_content(Page(lang, absl::StrCat(T(lang, "item"), " ", it.id()), body,
                       HeaderBar(s)),
                  "text/html; charset=utf-8");
}

void WebDesk::MovePost(const httplib::Request& req, httplib::Response& res,
                       int64_t id, const std::string& move) {
  std::optional<Session> s = SignedIn(req, res);
  if (!s) return;
  s->path = absl::StrCat("/items/", id);
  if (!SameSecret(FormValue(req, "csrf"), s->csrf)) {
    res.status = 403;
    return LoginPage(req, res, "refused");
  }
  int64_t version = 0;
  if (!absl::SimpleAtoi(FormValue(req, "version"), &version)) {
    version = 0;  // the server names the field
  }
  auto workflow = v1::WorkflowService::NewStub(channel_);
  const auto ctx = Context(s->secret);
  grpc::Status st;
  if (move == "draft") {
    v1::SaveDraftRequest r;
    r.set_item_id(id);
    r.set_version(version);
    r.set_text(FormValue(req, "text"));
    v1::SaveDraftResponse out;
    st = workflow->SaveDraft(ctx.get(), r, &out);
    if (st.error_code() == grpc::ABORTED) {
      // Someone saved first: show both texts, lose neither.
      Notice n;
      n.conflict = true;
      n.my_text = r.text();
      res.status = 409;
      return ItemPage(req, res, *s, id, n);
    }
  } else if (move == "input") {
    v1::SubmitCoordinationInputRequest r;
    r.set_item_id(id);
    r.set_version(version);
    r.set_unit_code(FormValue(req, "unit_code"));
    r.set_text(FormValue(req, "text"));
    r.set_decline(FormValue(req, "decline") == "1");
    v1::SubmitCoordinationInputResponse out;
    st = workflow->SubmitCoordinationInput(ctx.get(), r, &out);
  } else if (move == "submit") {
    v1::SubmitResponseRequest r;
    r.set_item_id(id);
    r.set_version(version);
    v1::SubmitResponseResponse out;
    st = workflow->SubmitResponse(ctx.get(), r, &out);
  } else if (move == "approve") {
    v1::ApproveResponseRequest r;
    r.set_item_id(id);
    r.set_version(version);
    r.set_comment(FormValue(req, "comment"));
    v1::ApproveResponseResponse out;
    st = workflow->ApproveResponse(ctx.get(), r, &out);
  } else if (move == "return") {
    v1::ReturnResponseRequest r;
    r.set_item_id(id);
    r.set_version(version);
    r.set_comment(FormValue(req, "comment"));
    v1::ReturnResponseResponse out;
    st = workflow->ReturnResponse(ctx.get(), r, &out);
  } else if (move == "send") {
    // No text: the server sends the approved draft's.
    v1::SendResponseRequest r;
    r.set_item_id(id);
    r.set_version(version);
    r.set_document_number(FormValue(req, "document_number"));
    r.set_signer(FormValue(req, "signer"));
    (void)ParseDateInput(FormValue(req, "sent_on"), r.mutable_sent_on());
    const auto detail =
        core::ParseEnum<core::OutcomeDetail>(FormValue(req, "outcome_detail"));
    if (detail) {
      r.set_outcome_detail(static_cast<v1::OutcomeDetail>(*detail));
      r.set_outcome(static_cast<v1::Outcome>(core::OutcomeOf(*detail)));
    }
    r.set_roadmap(FormValue(req, "roadmap"));
    if (!FormValue(req, "expected_completion").empty()) {
      (void)ParseDateInput(FormValue(req, "expected_completion"),
                           r.mutable_expected_completion());
    }
    v1::SendResponseResponse out;
    st = workflow->SendResponse(ctx.get(), r, &out);
    // The signed answer, when one was chosen, goes up once the answer is
    // recorded as sent; if it is refused the page says so and the file
    // can be attached again.
    if (st.ok() && req.has_file("file") &&
        !req.get_file_value("file").filename.empty()) {
      const grpc::Status up = UploadFile(*s, id, req.get_file_value("file"),
                                         v1::ATTACHMENT_KIND_SIGNED_ANSWER);
      if (!up.ok()) {
        Notice n;
        n.done = "done_send";
        n.error =
            absl::StrCat(T(s->lang, "file_refused"), " ", up.error_message());
        res.status = 422;
        return ItemPage(req, res, *s, id, n);
      }
    }
  } else if (move == "files") {
    const bool signed_answer = FormValue(req, "kind") == "SIGNED_ANSWER";
    st = req.has_file("file")
             ? UploadFile(*s, id, req.get_file_value("file"),
                          signed_answer ? v1::ATTACHMENT_KIND_SIGNED_ANSWER
                                        : v1::ATTACHMENT_KIND_SUPPORTING)
             : grpc::Status(grpc::INVALID_ARGUMENT, "file: required");
  } else {
    res.status = 404;
    return;
  }
  if (st.ok()) {
    return res.set_redirect(absl::StrCat("/items/", id, "?done=", move), 303);
  }
  if (st.error_code() == grpc::UNAUTHENTICATED) {
    return SessionEnded(req, res);
  }
  // Refused: the page again, with the reason and what was typed.
  Notice n;
  n.posted = &req;
  switch (st.error_code()) {
    case grpc::ABORTED:
      n.error = T(s->lang, "stale");
      res.status = 409;
      break;
    case grpc::INVALID_ARGUMENT:
    case grpc::FAILED_PRECONDITION:
    case grpc::PERMISSION_DENIED:
      n.error = st.error_message();
      res.status = st.error_code() == grpc::PERMISSION_DENIED ? 403 : 422;
      break;
    case grpc::NOT_FOUND:
      break;  // the page says so, with 404
    default:
      return ServerError(res, *s, T(s->lang, "item"), st);
  }
  ItemPage(req, res, *s, id, n);
}

grpc::Status WebDesk::UploadFile(const Session& s, int64_t id,
                                 const httplib::MultipartFormData& file,
                                 v1::AttachmentKind kind) {
  // The browser's type, or the one the extension stands for when it sent
  // none of use; the server checks the bytes either way.
  std::string type = file.content_type;
  if (!core::IsAcceptedType(type)) {
    const std::string by_name = core::TypeOfFileName(file.filename);
    if (!by_name.empty()) type = by_name;
  }
  auto ctx = Context(s.secret);
  v1::Attachment h;
  h.set_item_id(id);
  h.set_kind(kind);
  h.set_file_name(file.filename);
  h.set_content_type(type);
  size_t at = 0;
  v1::UploadAttachmentResponse resp;
  return client::UploadAttachment(
      channel_, ctx.get(), h,
      [&](char* buf, size_t size) {
        const size_t n = std::min(size, file.content.size() - at);
        file.content.copy(buf, n, at);
        at += n;
        return n;
      },
      &resp);
}

void WebDesk::FileGet(const httplib::Request& req, httplib::Response& res,
                      int64_t id, int64_t file) {
  const std::optional<Session> s = SignedIn(req, res);
  if (!s) return;
  auto ctx = Context(s->secret);
  v1::Attachment a;
  std::string bytes;
  const grpc::Status st =
      client::DownloadAttachment(channel_, ctx.get(), id, file, &a, &bytes);
  if (st.error_code() == grpc::NOT_FOUND) {
    res.status = 404;
    res.set_content(Page(s->lang, T(s->lang, "files"),
                         absl::StrCat("<p class=\"error\" role=\"alert\">",
                                      Escape(T(s->lang, "not_found")), "</p>"),
                         HeaderBar(*s)),
                    "text/html; charset=utf-8");
    return;
  }
  if (!st.ok()) return ServerError(res, *s, T(s->lang, "files"), st);
  // Always a download, never shown inside the desk's own origin.
  res.set_header(
      "Content-Disposition",
      absl::StrCat("attachment; filename*=UTF-8''",
                   httplib::detail::encode_query_param(a.file_name())));
  res.set_content(std::move(bytes), a.content_type());
}

}  // namespace pqtrack::web
