#include "services/api/convert.h"

#include "absl/strings/str_cat.h"

namespace pqtrack::api {

std::optional<core::Day> DateFromProto(core::Violations& v,
                                       const std::string& field, bool present,
                                       const v1::Date& d, bool required) {
  return core::CheckDate(v, field, present, d.year(), d.month(), d.day(),
                         required);
}

void SetDate(const std::optional<core::Day>& day, v1::Date* out) {
  if (!day) return;
  out->set_year(static_cast<int32_t>(day->year()));
  out->set_month(day->month());
  out->set_day(day->day());
}

void TimeToProto(absl::Time t, google::protobuf::Timestamp* out) {
  const int64_t micros = absl::ToUnixMicros(t);
  int64_t secs = micros / 1000000;
  int64_t rem = micros % 1000000;
  if (rem < 0) {
    rem += 1000000;
    --secs;
  }
  out->set_seconds(secs);
  out->set_nanos(static_cast<int32_t>(rem * 1000));
}

bool IsValidTimestamp(const google::protobuf::Timestamp& ts) {
  constexpr int64_t kFirst = -62135596800;  // 0001-01-01T00:00:00Z
  constexpr int64_t kLast = 253402300799;   // 9999-12-31T23:59:59Z
  return ts.seconds() >= kFirst && ts.seconds() <= kLast && ts.nanos() >= 0 &&
         ts.nanos() <= 999999999;
}

absl::Time TimeFromProto(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

void ToProto(const core::Term& in, v1::Term* out) {
  out->set_id(in.id);
  out->set_code(in.code);
  out->set_number(in.number);
  out->set_start_year(in.start_year);
  out->set_end_year(in.end_year);
  TimeToProto(in.create_time, out->mutable_create_time());
}

void ToProto(const core::Session& in, v1::Session* out) {
  out->set_id(in.id);
  out->set_term_id(in.term_id);
  out->set_term_code(in.term_code);
  out->set_number(in.number);
  out->set_kind(static_cast<v1::SessionKind>(in.kind));
  if (in.opens_on) SetDate(in.opens_on, out->mutable_opens_on());
  if (in.closes_on) SetDate(in.closes_on, out->mutable_closes_on());
  out->set_note(in.note);
}

void ToProto(const core::Batch& in, v1::Batch* out) {
  out->set_id(in.id);
  out->set_session_id(in.session_id);
  out->set_phase(static_cast<v1::BatchPhase>(in.phase));
  out->set_forwarding_body(in.forwarding_body);
  out->set_document_number(in.document_number);
  if (in.received_on) SetDate(in.received_on, out->mutable_received_on());
  out->set_note(in.note);
  out->set_item_count(in.item_count);
}

void ToProto(const core::Unit& in, v1::Unit* out) {
  out->set_code(in.code);
  out->set_name_vi(in.name_vi);
  out->set_name_en(in.name_en);
  out->set_parent_code(in.parent_code);
  out->set_kind(static_cast<v1::UnitKind>(in.kind));
  if (in.valid_from) SetDate(in.valid_from, out->mutable_valid_from());
  if (in.valid_to) SetDate(in.valid_to, out->mutable_valid_to());
  out->set_successor_code(in.successor_code);
  out->set_depth(in.depth);
}

void ToProto(const core::User& in, v1::User* out) {
  out->set_id(in.id);
  out->set_login(in.login);
  out->set_display_name(in.display_name);
  out->set_role(static_cast<v1::Role>(in.role));
  out->set_unit_code(in.unit_code);
  out->set_email(in.email);
  TimeToProto(in.create_time, out->mutable_create_time());
}

void ToProto(const core::Token& in, v1::Token* out) {
  out->set_id(in.id);
  out->set_user_login(in.user_login);
  out->set_label(in.label);
  TimeToProto(in.create_time, out->mutable_create_time());
  if (in.expire_time) TimeToProto(*in.expire_time, out->mutable_expire_time());
  if (in.revoke_time) TimeToProto(*in.revoke_time, out->mutable_revoke_time());
  if (in.last_use_time) {
    TimeToProto(*in.last_use_time, out->mutable_last_use_time());
  }
}

void ToProto(const core::Answer& a, v1::SentAnswer* out) {
  out->set_document_number(a.document_number);
  out->set_signer(a.signer);
  if (a.sent_on) SetDate(a.sent_on, out->mutable_sent_on());
  out->set_text(a.text);
  out->set_outcome(static_cast<v1::Outcome>(a.outcome));
  out->set_outcome_detail(static_cast<v1::OutcomeDetail>(a.detail));
  out->set_roadmap(a.roadmap);
  if (a.expected_completion) {
    SetDate(a.expected_completion, out->mutable_expected_completion());
  }
}

void ToProto(const core::Item& in, v1::Item* out) {
  out->set_id(in.id);
  out->set_kind(static_cast<v1::ItemKind>(in.kind));
  out->set_external_ref(in.external_ref);
  out->set_title(in.title);
  out->set_body(in.body);
  if (in.received_on) SetDate(in.received_on, out->mutable_received_on());
  out->set_session_id(in.session_id);
  if (in.due_on) SetDate(in.due_on, out->mutable_due_on());
  out->set_status(static_cast<v1::ItemStatus>(in.status));
  out->set_lead_unit_code(in.lead_unit_code);
  for (const std::string& c : in.coordinating_unit_codes) {
    out->add_coordinating_unit_codes(c);
  }
  out->set_version(in.version);
  TimeToProto(in.create_time, out->mutable_create_time());
  TimeToProto(in.update_time, out->mutable_update_time());
  for (const core::Coordination& c : in.coordination) {
    v1::Coordination* pc = out->add_coordination();
    pc->set_unit_code(c.unit_code);
    if (c.due_on) SetDate(c.due_on, pc->mutable_due_on());
    pc->set_state(static_cast<v1::CoordinationState>(c.state));
    pc->set_text(c.text);
    if (c.input_time) TimeToProto(*c.input_time, pc->mutable_input_time());
  }
  out->set_merged_into(in.merged_into);
  for (int64_t id : in.merged_item_ids) out->add_merged_item_ids(id);
  for (const std::string& d : in.all_delegations) out->add_all_delegations(d);
  if (in.follow_up_on) SetDate(in.follow_up_on, out->mutable_follow_up_on());
  out->set_approved(in.approved);
  out->set_draft_count(in.draft_count);
  out->set_returned(in.returned);
  out->set_transferred_to_code(in.transferred_to_code);
  out->set_routed_by_rule_id(in.routed_by_rule_id);
  if (in.answer) {
    v1::SentAnswer* pa = out->mutable_answer();
    ToProto(in.answer->answer, pa);
    pa->set_draft_number(in.answer->draft_number);
    pa->set_sender_login(in.answer->sender_login);
    TimeToProto(in.answer->record_time, pa->mutable_record_time());
  }
  if (const auto* d = std::get_if<core::PetitionDetails>(&in.details)) {
    auto* p = out->mutable_petition();
    p->set_batch_id(d->batch_id);
    for (const std::string& s : d->delegations) p->add_delegations(s);
    p->set_field(d->field);
  } else if (const auto* d = std::get_if<core::QuestionDetails>(&in.details)) {
    auto* q = out->mutable_question();
    q->set_deputy_name(d->deputy_name);
    q->set_delegation(d->delegation);
    q->set_addressee(d->addressee);
    q->set_form(static_cast<v1::QuestionForm>(d->form));
    if (d->asked_on) SetDate(d->asked_on, q->mutable_asked_on());
  } else if (const auto* d = std::get_if<core::DocumentDetails>(&in.details)) {
    auto* doc = out->mutable_document();
    doc->set_sender(d->sender);
    doc->set_document_number(d->document_number);
    if (d->document_date)
      SetDate(d->document_date, doc->mutable_document_date());
    doc->set_requires_response(d->requires_response);
  } else if (const auto* d = std::get_if<core::TaskDetails>(&in.details)) {
    auto* t = out->mutable_task();
    t->set_assigned_by(d->assigned_by);
    t->set_source_document(d->source_document);
    if (d->source_date) SetDate(d->source_date, t->mutable_source_date());
  }
}

void ToProto(const core::SimilarItem& in, v1::SimilarItem* out) {
  out->set_id(in.id);
  out->set_title(in.title);
  out->set_status(static_cast<v1::ItemStatus>(in.status));
  out->set_score(in.score);
}

void ToProto(const core::Event& in, v1::Event* out) {
  out->set_id(in.id);
  TimeToProto(in.time, out->mutable_time());
  out->set_actor_login(in.actor_login);
  out->set_kind(in.kind);
  out->set_before_json(in.before_json);
  out->set_after_json(in.after_json);
  out->set_detail_json(in.detail_json);
}

v1::WorkflowMove ToProto(core::Move m) {
  switch (m) {
    case core::Move::kAssign:
      return v1::WORKFLOW_MOVE_ASSIGN;
    case core::Move::kTransfer:
      return v1::WORKFLOW_MOVE_TRANSFER;
    case core::Move::kTransferOut:
      return v1::WORKFLOW_MOVE_TRANSFER_OUT;
    case core::Move::kSaveDraft:
      return v1::WORKFLOW_MOVE_SAVE_DRAFT;
    case core::Move::kSubmitInput:
      return v1::WORKFLOW_MOVE_SUBMIT_INPUT;
    case core::Move::kSubmitResponse:
      return v1::WORKFLOW_MOVE_SUBMIT_RESPONSE;
    case core::Move::kApprove:
      return v1::WORKFLOW_MOVE_APPROVE;
    case core::Move::kReturn:
      return v1::WORKFLOW_MOVE_RETURN;
    case core::Move::kSend:
      return v1::WORKFLOW_MOVE_SEND;
    case core::Move::kWithdraw:
      return v1::WORKFLOW_MOVE_WITHDRAW;
    case core::Move::kMerge:
      return v1::WORKFLOW_MOVE_MERGE;
    case core::Move::kUnmerge:
      return v1::WORKFLOW_MOVE_UNMERGE;
    case core::Move::kExtend:
      return v1::WORKFLOW_MOVE_EXTEND;
  }
  return v1::WORKFLOW_MOVE_UNSPECIFIED;
}

void ToProto(const core::Draft& in, v1::Draft* out) {
  out->set_number(in.number);
  out->set_text(in.text);
  out->set_author_login(in.author_login);
  TimeToProto(in.create_time, out->mutable_create_time());
}

void ToProto(const core::RoutingRule& in, v1::RoutingRule* out) {
  out->set_id(in.id);
  out->set_position(in.position);
  out->set_name(in.name);
  out->set_kind(static_cast<v1::ItemKind>(in.kind));
  out->set_field(in.field);
  for (const auto& w : in.words) out->add_words(w);
  out->set_delegation(in.delegation);
  out->set_sender(in.sender);
  out->set_addressee(in.addressee);
  out->set_lead_unit_code(in.lead_unit_code);
  for (const auto& c : in.coordinating_unit_codes) {
    out->add_coordinating_unit_codes(c);
  }
}

core::RoutingRule FromProto(core::Violations& v, const v1::RoutingRule& in) {
  core::RoutingRule r;
  r.position = in.position();
  r.name = in.name();
  if (in.kind() != 0) {
    r.kind = core::CheckEnum<core::ItemKind>(v, "rule.kind", in.kind());
  }
  r.field = in.field();
  r.words.assign(in.words().begin(), in.words().end());
  r.delegation = in.delegation();
  r.sender = in.sender();
  r.addressee = in.addressee();
  r.lead_unit_code = in.lead_unit_code();
  r.coordinating_unit_codes.assign(in.coordinating_unit_codes().begin(),
                                   in.coordinating_unit_codes().end());
  return r;
}

core::Answer FromProto(core::Violations& v, const v1::SendResponseRequest& in) {
  core::Answer a;
  a.document_number = in.document_number();
  a.signer = in.signer();
  a.sent_on =
      DateFromProto(v, "sent_on", in.has_sent_on(), in.sent_on(), false);
  a.text = in.text();
  a.outcome = core::CheckEnum<core::Outcome>(v, "outcome", in.outcome());
  a.detail = core::CheckEnum<core::OutcomeDetail>(v, "outcome_detail",
                                                  in.outcome_detail());
  a.roadmap = in.roadmap();
  a.expected_completion =
      DateFromProto(v, "expected_completion", in.has_expected_completion(),
                    in.expected_completion(), false);
  return a;
}

core::Item LenientItemFromProto(const v1::Item& in) {
  core::Violations ignored;
  core::Item it = FromProto(ignored, in);
  return it;
}

core::Term FromProto(const v1::Term& in) {
  core::Term t;
  t.code = in.code();
  t.number = in.number();
  t.start_year = in.start_year();
  t.end_year = in.end_year();
  return t;
}

core::Session FromProto(core::Violations& v,
                        const v1::CreateSessionRequest& in) {
  core::Session s;
  s.term_code = in.term_code();
  s.number = in.number();
  s.kind = core::CheckEnum<core::SessionKind>(v, "kind", in.kind());
  s.opens_on =
      DateFromProto(v, "opens_on", in.has_opens_on(), in.opens_on(), true);
  s.closes_on =
      DateFromProto(v, "closes_on", in.has_closes_on(), in.closes_on(), true);
  s.note = in.note();
  return s;
}

core::Batch FromProto(core::Violations& v, const v1::CreateBatchRequest& in) {
  core::Batch b;
  b.session_id = in.session_id();
  b.phase = core::CheckEnum<core::BatchPhase>(v, "phase", in.phase());
  b.forwarding_body = in.forwarding_body();
  b.document_number = in.document_number();
  b.received_on = DateFromProto(v, "received_on", in.has_received_on(),
                                in.received_on(), true);
  b.note = in.note();
  return b;
}

core::Unit FromProto(core::Violations& v, const std::string& prefix,
                     const v1::Unit& in, bool kind_required) {
  core::Unit u;
  u.code = in.code();
  u.name_vi = in.name_vi();
  u.name_en = in.name_en();
  u.parent_code = in.parent_code();
  if (kind_required) {
    u.kind = core::CheckEnum<core::UnitKind>(v, prefix + "kind", in.kind());
  }
  u.valid_from = DateFromProto(v, prefix + "valid_from", in.has_valid_from(),
                               in.valid_from(), false);
  u.valid_to = DateFromProto(v, prefix + "valid_to", in.has_valid_to(),
                             in.valid_to(), false);
  u.successor_code = in.successor_code();
  return u;
}

core::User FromProto(core::Violations& v, const v1::User& in) {
  core::User u;
  u.login = in.login();
  u.display_name = in.display_name();
  u.role = core::CheckEnum<core::Role>(v, "user.role", in.role());
  u.unit_code = in.unit_code();
  u.email = in.email();
  return u;
}

core::Item FromProto(core::Violations& v, const v1::Item& in) {
  core::Item it;
  it.kind = core::CheckEnum<core::ItemKind>(v, "item.kind", in.kind());
  it.external_ref = in.external_ref();
  it.title = in.title();
  it.body = in.body();
  it.received_on = DateFromProto(v, "item.received_on", in.has_received_on(),
                                 in.received_on(), true);
  it.session_id = in.session_id();
  it.due_on =
      DateFromProto(v, "item.due_on", in.has_due_on(), in.due_on(), false);
  it.lead_unit_code = in.lead_unit_code();
  it.coordinating_unit_codes.assign(in.coordinating_unit_codes().begin(),
                                    in.coordinating_unit_codes().end());
  switch (in.details_case()) {
    case v1::Item::kPetition: {
      const auto& p = in.petition();
      it.details = core::PetitionDetails{
          p.batch_id(),
          {p.delegations().begin(), p.delegations().end()},
          p.field()};
      break;
    }
    case v1::Item::kQuestion: {
      const auto& q = in.question();
      core::QuestionDetails d;
      d.deputy_name = q.deputy_name();
      d.delegation = q.delegation();
      d.addressee = q.addressee();
      d.form = core::CheckEnum<core::QuestionForm>(v, "item.question.form",
                                                   q.form());
      d.asked_on = DateFromProto(v, "item.question.asked_on", q.has_asked_on(),
                                 q.asked_on(), true);
      it.details = d;
      break;
    }
    case v1::Item::kDocument: {
      const auto& doc = in.document();
      it.details = core::DocumentDetails{
          doc.sender(), doc.document_number(),
          DateFromProto(v, "item.document.document_date",
                        doc.has_document_date(), doc.document_date(), true),
          doc.requires_response()};
      break;
    }
    case v1::Item::kTask: {
      const auto& t = in.task();
      it.details = core::TaskDetails{
          t.assigned_by(), t.source_document(),
          DateFromProto(v, "item.task.source_date", t.has_source_date(),
                        t.source_date(), false)};
      break;
    }
    case v1::Item::DETAILS_NOT_SET:
      break;
  }
  return it;
}

core::ItemFilter FromProto(core::Violations& v, const v1::ListItemsRequest& in,
                           absl::string_view prefix) {
  const auto f_ = [prefix](const char* name) {
    return absl::StrCat(prefix, name);
  };
  core::ItemFilter f;
  if (in.kind() != 0) {
    f.kind = core::CheckEnum<core::ItemKind>(v, f_("kind"), in.kind());
  }
  f.session_id = in.session_id();
  f.batch_id = in.batch_id();
  f.lead_unit_code = in.lead_unit_code();
  for (int s : in.statuses()) {
    f.statuses.push_back(
        core::CheckEnum<core::ItemStatus>(v, f_("statuses"), s));
  }
  f.received_from =
      DateFromProto(v, f_("received_from"), in.has_received_from(),
                    in.received_from(), false);
  f.received_to = DateFromProto(v, f_("received_to"), in.has_received_to(),
                                in.received_to(), false);
  f.due_before = DateFromProto(v, f_("due_before"), in.has_due_before(),
                               in.due_before(), false);
  return f;
}

}  // namespace pqtrack::api
