// Provides the gRPC implementations of the pqtrack.v1 services and
// ApiServices, which owns them with their stores and registers them on a
// server builder. Each rpc authenticates, authorizes, converts and validates
// its request, runs one store use case (one transaction), and maps the
// result back; an absl::Status becomes a grpc::Status in exactly one place
// (services/common/grpc_status.h). Thread-safe.
#ifndef PQTRACK_SERVICES_API_SERVICES_H_
#define PQTRACK_SERVICES_API_SERVICES_H_

#include <grpcpp/server_builder.h>

#include <deque>
#include <memory>

#include "pqtrack/v1/admin.grpc.pb.h"
#include "pqtrack/v1/alert.grpc.pb.h"
#include "pqtrack/v1/assembly.grpc.pb.h"
#include "pqtrack/v1/attachment.grpc.pb.h"
#include "pqtrack/v1/bulk.grpc.pb.h"
#include "pqtrack/v1/calendar.grpc.pb.h"
#include "pqtrack/v1/item.grpc.pb.h"
#include "pqtrack/v1/report.grpc.pb.h"
#include "pqtrack/v1/routing.grpc.pb.h"
#include "pqtrack/v1/unit.grpc.pb.h"
#include "pqtrack/v1/workflow.grpc.pb.h"
#include "services/alerts/hub.h"
#include "services/alerts/sequencer.h"
#include "services/api/auth.h"
#include "services/api/call_log.h"
#include "services/common/clock.h"
#include "services/store/alert_store.h"
#include "services/store/assembly_store.h"
#include "services/store/attachment_store.h"
#include "services/store/db.h"
#include "services/store/deadline_store.h"
#include "services/store/import_store.h"
#include "services/store/item_store.h"
#include "services/store/listener.h"
#include "services/store/log_store.h"
#include "services/store/report_store.h"
#include "services/store/routing_store.h"
#include "services/store/unit_store.h"
#include "services/store/user_store.h"
#include "services/store/workflow_store.h"

namespace pqtrack::api {

// What every service needs. Owned by ApiServices.
struct ServiceDeps {
  ServiceDeps(store::Db* db, const Clock* clock)
      : assembly(db),
        units(db),
        users(db),
        items(db),
        workflow(db),
        routing(db),
        deadlines(db),
        alerts(db),
        log(db),
        imports(db),
        reports(db),
        attachments(db),
        clock(*clock),
        auth(&users, clock) {}
  store::AssemblyStore assembly;
  store::UnitStore units;
  store::UserStore users;
  store::ItemStore items;
  store::WorkflowStore workflow;
  store::RoutingStore routing;
  store::DeadlineStore deadlines;
  store::AlertStore alerts;
  store::LogStore log;
  store::ImportStore imports;
  store::ReportStore reports;
  store::AttachmentStore attachments;
  const Clock& clock;
  Authenticator auth;
};

class AssemblyServiceImpl final : public v1::AssemblyService::Service {
 public:
  explicit AssemblyServiceImpl(ServiceDeps* deps) : d_(*deps) {}
  grpc::Status CreateTerm(grpc::ServerContext* ctx,
                          const v1::CreateTermRequest* req,
                          v1::CreateTermResponse* resp) override;
  grpc::Status ListTerms(grpc::ServerContext* ctx,
                         const v1::ListTermsRequest* req,
                         v1::ListTermsResponse* resp) override;
  grpc::Status CreateSession(grpc::ServerContext* ctx,
                             const v1::CreateSessionRequest* req,
                             v1::CreateSessionResponse* resp) override;
  grpc::Status ListSessions(grpc::ServerContext* ctx,
                            const v1::ListSessionsRequest* req,
                            v1::ListSessionsResponse* resp) override;
  grpc::Status CreateBatch(grpc::ServerContext* ctx,
                           const v1::CreateBatchRequest* req,
                           v1::CreateBatchResponse* resp) override;
  grpc::Status ListBatches(grpc::ServerContext* ctx,
                           const v1::ListBatchesRequest* req,
                           v1::ListBatchesResponse* resp) override;

 private:
  ServiceDeps& d_;
};

class UnitServiceImpl final : public v1::UnitService::Service {
 public:
  explicit UnitServiceImpl(ServiceDeps* deps) : d_(*deps) {}
  grpc::Status CreateUnit(grpc::ServerContext* ctx,
                          const v1::CreateUnitRequest* req,
                          v1::CreateUnitResponse* resp) override;
  grpc::Status UpdateUnit(grpc::ServerContext* ctx,
                          const v1::UpdateUnitRequest* req,
                          v1::UpdateUnitResponse* resp) override;
  grpc::Status ListUnits(grpc::ServerContext* ctx,
                         const v1::ListUnitsRequest* req,
                         v1::ListUnitsResponse* resp) override;

 private:
  ServiceDeps& d_;
};

class ItemServiceImpl final : public v1::ItemService::Service {
 public:
  explicit ItemServiceImpl(ServiceDeps* deps) : d_(*deps) {}
  grpc::Status RecordItem(grpc::ServerContext* ctx,
                          const v1::RecordItemRequest* req,
                          v1::RecordItemResponse* resp) override;
  grpc::Status UpdateItem(grpc::ServerContext* ctx,
                          const v1::UpdateItemRequest* req,
                          v1::UpdateItemResponse* resp) override;
  grpc::Status GetItem(grpc::ServerContext* ctx, const v1::GetItemRequest* req,
                       v1::GetItemResponse* resp) override;
  grpc::Status ListItems(grpc::ServerContext* ctx,
                         const v1::ListItemsRequest* req,
                         v1::ListItemsResponse* resp) override;
  grpc::Status SearchItems(grpc::ServerContext* ctx,
                           const v1::SearchItemsRequest* req,
                           v1::SearchItemsResponse* resp) override;
  grpc::Status SuggestDuplicates(grpc::ServerContext* ctx,
                                 const v1::SuggestDuplicatesRequest* req,
                                 v1::SuggestDuplicatesResponse* resp) override;
  grpc::Status GetItemHistory(grpc::ServerContext* ctx,
                              const v1::GetItemHistoryRequest* req,
                              v1::GetItemHistoryResponse* resp) override;

 private:
  ServiceDeps& d_;
};

class AdminServiceImpl final : public v1::AdminService::Service {
 public:
  explicit AdminServiceImpl(ServiceDeps* deps) : d_(*deps) {}
  grpc::Status CreateUser(grpc::ServerContext* ctx,
                          const v1::CreateUserRequest* req,
                          v1::CreateUserResponse* resp) override;
  grpc::Status ListUsers(grpc::ServerContext* ctx,
                         const v1::ListUsersRequest* req,
                         v1::ListUsersResponse* resp) override;
  grpc::Status IssueToken(grpc::ServerContext* ctx,
                          const v1::IssueTokenRequest* req,
                          v1::IssueTokenResponse* resp) override;
  grpc::Status RevokeToken(grpc::ServerContext* ctx,
                           const v1::RevokeTokenRequest* req,
                           v1::RevokeTokenResponse* resp) override;
  grpc::Status ListTokens(grpc::ServerContext* ctx,
                          const v1::ListTokensRequest* req,
                          v1::ListTokensResponse* resp) override;
  grpc::Status WhoAmI(grpc::ServerContext* ctx, const v1::WhoAmIRequest* req,
                      v1::WhoAmIResponse* resp) override;
  grpc::Status SetPassword(grpc::ServerContext* ctx,
                           const v1::SetPasswordRequest* req,
                           v1::SetPasswordResponse* resp) override;
  grpc::Status Login(grpc::ServerContext* ctx, const v1::LoginRequest* req,
                     v1::LoginResponse* resp) override;
  grpc::Status Logout(grpc::ServerContext* ctx, const v1::LogoutRequest* req,
                      v1::LogoutResponse* resp) override;
  grpc::Status VerifyAuditChain(grpc::ServerContext* ctx,
                                const v1::VerifyAuditChainRequest* req,
                                v1::VerifyAuditChainResponse* resp) override;

 private:
  ServiceDeps& d_;
};

class WorkflowServiceImpl final : public v1::WorkflowService::Service {
 public:
  explicit WorkflowServiceImpl(ServiceDeps* deps) : d_(*deps) {}
  grpc::Status ListInbox(grpc::ServerContext* ctx,
                         const v1::ListInboxRequest* req,
                         v1::ListInboxResponse* resp) override;
  grpc::Status AssignItem(grpc::ServerContext* ctx,
                          const v1::AssignItemRequest* req,
                          v1::AssignItemResponse* resp) override;
  grpc::Status TransferItem(grpc::ServerContext* ctx,
                            const v1::TransferItemRequest* req,
                            v1::TransferItemResponse* resp) override;
  grpc::Status SaveDraft(grpc::ServerContext* ctx,
                         const v1::SaveDraftRequest* req,
                         v1::SaveDraftResponse* resp) override;
  grpc::Status ListDrafts(grpc::ServerContext* ctx,
                          const v1::ListDraftsRequest* req,
                          v1::ListDraftsResponse* resp) override;
  grpc::Status ListAllowedMoves(grpc::ServerContext* ctx,
                                const v1::ListAllowedMovesRequest* req,
                                v1::ListAllowedMovesResponse* resp) override;
  grpc::Status SubmitCoordinationInput(
      grpc::ServerContext* ctx, const v1::SubmitCoordinationInputRequest* req,
      v1::SubmitCoordinationInputResponse* resp) override;
  grpc::Status SubmitResponse(grpc::ServerContext* ctx,
                              const v1::SubmitResponseRequest* req,
                              v1::SubmitResponseResponse* resp) override;
  grpc::Status ApproveResponse(grpc::ServerContext* ctx,
                               const v1::ApproveResponseRequest* req,
                               v1::ApproveResponseResponse* resp) override;
  grpc::Status ReturnResponse(grpc::ServerContext* ctx,
                              const v1::ReturnResponseRequest* req,
                              v1::ReturnResponseResponse* resp) override;
  grpc::Status SendResponse(grpc::ServerContext* ctx,
                            const v1::SendResponseRequest* req,
                            v1::SendResponseResponse* resp) override;
  grpc::Status WithdrawItem(grpc::ServerContext* ctx,
                            const v1::WithdrawItemRequest* req,
                            v1::WithdrawItemResponse* resp) override;
  grpc::Status ExtendDeadline(grpc::ServerContext* ctx,
                              const v1::ExtendDeadlineRequest* req,
                              v1::ExtendDeadlineResponse* resp) override;
  grpc::Status MergeItems(grpc::ServerContext* ctx,
                          const v1::MergeItemsRequest* req,
                          v1::MergeItemsResponse* resp) override;
  grpc::Status UnmergeItem(grpc::ServerContext* ctx,
                           const v1::UnmergeItemRequest* req,
                           v1::UnmergeItemResponse* resp) override;

 private:
  ServiceDeps& d_;
};

class RoutingServiceImpl final : public v1::RoutingService::Service {
 public:
  explicit RoutingServiceImpl(ServiceDeps* deps) : d_(*deps) {}
  grpc::Status CreateRule(grpc::ServerContext* ctx,
                          const v1::CreateRuleRequest* req,
                          v1::CreateRuleResponse* resp) override;
  grpc::Status ListRules(grpc::ServerContext* ctx,
                         const v1::ListRulesRequest* req,
                         v1::ListRulesResponse* resp) override;
  grpc::Status DeleteRule(grpc::ServerContext* ctx,
                          const v1::DeleteRuleRequest* req,
                          v1::DeleteRuleResponse* resp) override;
  grpc::Status PreviewRouting(grpc::ServerContext* ctx,
                              const v1::PreviewRoutingRequest* req,
                              v1::PreviewRoutingResponse* resp) override;
  grpc::Status RouteItems(grpc::ServerContext* ctx,
                          const v1::RouteItemsRequest* req,
                          v1::RouteItemsResponse* resp) override;

 private:
  ServiceDeps& d_;
};

class CalendarServiceImpl final : public v1::CalendarService::Service {
 public:
  explicit CalendarServiceImpl(ServiceDeps* deps) : d_(*deps) {}
  grpc::Status SetCalendarDays(grpc::ServerContext* ctx,
                               const v1::SetCalendarDaysRequest* req,
                               v1::SetCalendarDaysResponse* resp) override;
  grpc::Status ListCalendarDays(grpc::ServerContext* ctx,
                                const v1::ListCalendarDaysRequest* req,
                                v1::ListCalendarDaysResponse* resp) override;
  grpc::Status SetDeadlineRule(grpc::ServerContext* ctx,
                               const v1::SetDeadlineRuleRequest* req,
                               v1::SetDeadlineRuleResponse* resp) override;
  grpc::Status ListDeadlineRules(grpc::ServerContext* ctx,
                                 const v1::ListDeadlineRulesRequest* req,
                                 v1::ListDeadlineRulesResponse* resp) override;
  grpc::Status ComputeDeadline(grpc::ServerContext* ctx,
                               const v1::ComputeDeadlineRequest* req,
                               v1::ComputeDeadlineResponse* resp) override;
  grpc::Status ExplainDeadline(grpc::ServerContext* ctx,
                               const v1::ExplainDeadlineRequest* req,
                               v1::ExplainDeadlineResponse* resp) override;

 private:
  ServiceDeps& d_;
};

// Encodes alerts for WatchAlerts once, whatever the number of watchers: the
// last few hundred stay encoded, by cursor. Thread-safe.
class AlertEncoder {
 public:
  // A WatchAlertsResponse carrying `alert`, encoded.
  grpc::ByteBuffer Encoded(const store::Alert& alert);

 private:
  static constexpr size_t kKept = 512;
  absl::Mutex mu_;
  absl::flat_hash_map<int64_t, grpc::ByteBuffer> cache_ ABSL_GUARDED_BY(mu_);
  std::deque<int64_t> order_ ABSL_GUARDED_BY(mu_);
};

// ListAlerts and AckAlerts are synchronous; WatchAlerts uses the callback
// API, so a watcher costs no thread: its alerts come from the AlertHub. It
// is a raw method so that each alert is encoded once for every stream.
class AlertServiceImpl final
    : public v1::AlertService::WithRawCallbackMethod_WatchAlerts<
          v1::AlertService::Service> {
 public:
  AlertServiceImpl(ServiceDeps* deps, alerts::AlertHub* hub)
      : d_(*deps), hub_(*hub) {}
  grpc::ServerWriteReactor<grpc::ByteBuffer>* WatchAlerts(
      grpc::CallbackServerContext* ctx, const grpc::ByteBuffer* req) override;
  grpc::Status ListAlerts(grpc::ServerContext* ctx,
                          const v1::ListAlertsRequest* req,
                          v1::ListAlertsResponse* resp) override;
  grpc::Status AckAlerts(grpc::ServerContext* ctx,
                         const v1::AckAlertsRequest* req,
                         v1::AckAlertsResponse* resp) override;

 private:
  ServiceDeps& d_;
  alerts::AlertHub& hub_;
  AlertEncoder encoder_;
};

class BulkServiceImpl final : public v1::BulkService::Service {
 public:
  explicit BulkServiceImpl(ServiceDeps* deps) : d_(*deps) {}
  grpc::Status ImportItems(grpc::ServerContext* ctx,
                           grpc::ServerReader<v1::ImportItemsRequest>* reader,
                           v1::ImportItemsResponse* resp) override;
  grpc::Status ImportItemsWithProgress(
      grpc::ServerContext* ctx,
      grpc::ServerReaderWriter<v1::ImportItemsProgress, v1::ImportItemsRequest>*
          stream) override;
  grpc::Status ExportItems(
      grpc::ServerContext* ctx, const v1::ExportItemsRequest* req,
      grpc::ServerWriter<v1::ExportItemsResponse>* writer) override;

 private:
  // The work of both imports: `reader` gives the requests, `progress` (may
  // be empty) is told how far it is.
  absl::Status Import(
      grpc::ServerContext* ctx,
      grpc::internal::ReaderInterface<v1::ImportItemsRequest>* reader,
      const store::ImportStore::Progress& progress,
      v1::ImportItemsResponse* resp);

  ServiceDeps& d_;
};

class AttachmentServiceImpl final : public v1::AttachmentService::Service {
 public:
  explicit AttachmentServiceImpl(ServiceDeps* deps) : d_(*deps) {}
  grpc::Status UploadAttachment(
      grpc::ServerContext* ctx,
      grpc::ServerReader<v1::UploadAttachmentRequest>* reader,
      v1::UploadAttachmentResponse* resp) override;
  grpc::Status ListAttachments(grpc::ServerContext* ctx,
                               const v1::ListAttachmentsRequest* req,
                               v1::ListAttachmentsResponse* resp) override;
  grpc::Status DownloadAttachment(
      grpc::ServerContext* ctx, const v1::DownloadAttachmentRequest* req,
      grpc::ServerWriter<v1::DownloadAttachmentResponse>* writer) override;

 private:
  ServiceDeps& d_;
};

class ReportServiceImpl final : public v1::ReportService::Service {
 public:
  explicit ReportServiceImpl(ServiceDeps* deps) : d_(*deps) {}
  grpc::Status PeriodReport(grpc::ServerContext* ctx,
                            const v1::PeriodReportRequest* req,
                            v1::PeriodReportResponse* resp) override;
  grpc::Status SessionReport(grpc::ServerContext* ctx,
                             const v1::SessionReportRequest* req,
                             v1::SessionReportResponse* resp) override;
  grpc::Status TimelinessReport(grpc::ServerContext* ctx,
                                const v1::TimelinessReportRequest* req,
                                v1::TimelinessReportResponse* resp) override;

 private:
  absl::StatusOr<std::string> ReportUnit(const core::Principal& who,
                                         const std::string& asked);
  std::optional<core::Day> AsOf(core::Violations& v, bool present,
                                const v1::Date& d);
  template <typename Request>
  absl::StatusOr<store::PeriodQuery> ReadPeriod(const core::Principal& who,
                                                const Request& req);

  ServiceDeps& d_;
};

// Owns the stores and services for one database, and the background work
// that streams need: the sequencer that numbers alerts after commit and the
// hub that pushes them.
class ApiServices {
 public:
  // `db` and `clock` must outlive this object. `seal_interval`: how often
  // the sequencer seals what has committed (see alerts/sequencer.h).
  ApiServices(store::Db* db, const Clock* clock,
              absl::Duration seal_interval = absl::Milliseconds(10))
      : deps_(db, clock),
        assembly_(&deps_),
        units_(&deps_),
        items_(&deps_),
        admin_(&deps_),
        workflow_(&deps_),
        routing_(&deps_),
        calendar_(&deps_),
        bulk_(&deps_),
        reports_(&deps_),
        attachments_(&deps_),
        sequencer_(&deps_.log, clock, seal_interval),
        token_listener_(db->url(), {store::kTokensChannel},
                        {[this](const std::string&, const std::string& p) {
                           deps_.auth.TokensChanged(p);
                           hub_.TokensChanged(p);
                         },
                         [this](bool on) {
                           deps_.auth.SetListening(on);
                           // What was revoked while nobody listened ends
                           // its streams now.
                           if (on) hub_.TokensChanged("*");
                         }}),
        hub_(db->url(), &deps_.alerts, clock),
        alerts_(&deps_, &hub_) {}
  // Stops the hub and the sequencer if they run.
  ~ApiServices() { StopAll(); }

  // Starts the sequencer, the token listener that lets the authenticator
  // cache, and the alert hub that feeds WatchAlerts.
  void StartStreams() {
    sequencer_.Start();
    token_listener_.Start();
    hub_.Start();
  }
  // Ends every alert stream (UNAVAILABLE); call before shutting the server
  // down so that it need not wait for them. The sequencer keeps sealing
  // what calls still in flight write.
  void StopStreams() { hub_.Stop(); }
  // Stops the hub, the listener and the sequencer; call before the
  // database goes away.
  void StopAll() {
    hub_.Stop();
    token_listener_.Stop();
    sequencer_.Stop();
  }
  alerts::AlertHub& hub() { return hub_; }

  // Registers every service; this object must outlive the server built.
  // Every call goes through the call log (call_log.h).
  void RegisterAll(grpc::ServerBuilder& builder,
                   CallLogOptions call_log = CallLogOptions());

  ServiceDeps& deps() { return deps_; }

 private:
  ServiceDeps deps_;
  AssemblyServiceImpl assembly_;
  UnitServiceImpl units_;
  ItemServiceImpl items_;
  AdminServiceImpl admin_;
  WorkflowServiceImpl workflow_;
  RoutingServiceImpl routing_;
  CalendarServiceImpl calendar_;
  BulkServiceImpl bulk_;
  ReportServiceImpl reports_;
  AttachmentServiceImpl attachments_;
  alerts::Sequencer sequencer_;
  store::NotificationListener token_listener_;
  alerts::AlertHub hub_;
  AlertServiceImpl alerts_;
};

}  // namespace pqtrack::api

#endif  // PQTRACK_SERVICES_API_SERVICES_H_
