#include "clients/web/html.h"

#include <chrono>
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "services/common/crypto.h"
#include "services/common/dates.h"

namespace pqtrack::web {
namespace {

const char kStyle[] = R"css(
:root { --ink: #1d2733; --muted: #5b6775; --line: #d5dbe2; --accent: #0b5cad; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.45 system-ui, "Segoe UI", Roboto, sans-serif;
       color: var(--ink); background: #f6f8fa; }
header { display: flex; gap: .5rem 1rem; align-items: center; padding: .6rem 1rem;
         background: #fff; border-bottom: 1px solid var(--line); }
header h1 { font-size: 1.1rem; margin: 0 auto 0 0; }
main { max-width: 72rem; margin: 1rem auto; padding: 0 1rem; }
form.inline { display: inline; margin: 0; }
button, input { font: inherit; }
button { border: 1px solid var(--accent); background: var(--accent); color: #fff;
         border-radius: 4px; padding: .35rem .8rem; cursor: pointer; }
button.link { background: none; color: var(--accent); border: none; padding: 0;
              text-decoration: underline; }
button:focus, input:focus, a:focus { outline: 3px solid #f0b400; outline-offset: 2px; }
.login { max-width: 24rem; margin: 3rem auto; background: #fff; padding: 1.5rem;
         border: 1px solid var(--line); border-radius: 6px; }
.login label { display: block; margin: .8rem 0 .2rem; font-weight: 600; }
.login input { width: 100%; padding: .45rem; border: 1px solid var(--line);
               border-radius: 4px; }
.login button { margin-top: 1rem; width: 100%; }
.error { color: #a11; background: #fdecec; border: 1px solid #f3b7b7;
         padding: .5rem; border-radius: 4px; }
table { width: 100%; border-collapse: collapse; background: #fff; }
th, td { text-align: left; padding: .45rem .6rem; border-bottom: 1px solid var(--line);
         vertical-align: top; }
th { font-size: .85rem; color: var(--muted); }
.t { white-space: nowrap; font-weight: 600; }
.t::before { content: ""; display: inline-block; width: .7em; height: .7em;
             border-radius: 50%; margin-right: .35em; vertical-align: baseline; }
.t-OVERDUE::before { background: #c62828; } .t-DUE_TODAY::before { background: #ef6c00; }
.t-DUE_SOON::before { background: #f9a825; } .t-ON_TRACK::before { background: #2e7d32; }
.t-NO_DEADLINE::before { background: #90a4ae; }
.count { color: var(--muted); }
nav.views { display: flex; flex-wrap: wrap; gap: .4rem; margin: .5rem 0 1rem; }
nav.views a { padding: .25rem .7rem; border: 1px solid var(--line); border-radius: 999px;
              background: #fff; color: var(--ink); text-decoration: none; }
nav.views a[aria-current] { background: var(--accent); border-color: var(--accent);
                            color: #fff; }
p.pages { display: flex; justify-content: space-between; }
form.filters { display: flex; flex-wrap: wrap; gap: .4rem .8rem; align-items: center;
               margin: 0 0 1rem; }
form.filters label { font-weight: 600; font-size: .9rem; }
form.filters select { width: auto; max-width: 100%; }
.returned { color: #7a4b00; font-weight: 600; white-space: nowrap; }
.live { color: var(--muted); font-size: .85rem; min-height: 1.2em; margin: 0; }
section { margin: 1.2rem 0; }
h2 { font-size: 1.35rem; } h3 { font-size: 1.1rem; border-bottom: 1px solid var(--line);
                                  padding-bottom: .2rem; }
.badge { display: inline-block; padding: .1rem .6rem; border: 1px solid var(--line);
         border-radius: 999px; background: #fff; }
dl.fields { display: grid; grid-template-columns: minmax(8rem, max-content) 1fr;
            gap: .25rem 1rem; margin: 0; }
dl.fields dt { color: var(--muted); } dl.fields dd { margin: 0; }
dl.detail { margin: 0; } dl.detail dt { display: inline; color: var(--muted); }
dl.detail dt::after { content: ": "; } dl.detail dd { display: inline; margin: 0; }
dl.detail dd::after { content: ""; display: block; }
.prose { white-space: pre-wrap; overflow-wrap: anywhere; }
.done { color: #185c1c; background: #e8f5e9; border: 1px solid #a5d6a7;
        padding: .5rem; border-radius: 4px; }
.warn { color: #7a4b00; }
form.move, div.move { background: #fff; border: 1px solid var(--line); border-radius: 6px;
                      padding: .8rem 1rem; margin: .8rem 0; }
form.move label, p.label { display: block; font-weight: 600; margin: .6rem 0 .2rem; }
textarea, select, form.move input { width: 100%; font: inherit; padding: .4rem;
                                    border: 1px solid var(--ink); border-radius: 4px; }
textarea:focus, select:focus { outline: 3px solid #f0b400; outline-offset: 2px; }
form.move button { margin-top: .7rem; }
button.secondary { background: #fff; color: var(--accent); }
.compare { display: flex; flex-wrap: wrap; gap: 1rem; }
.compare > div { flex: 1 1 20rem; min-width: 0; }
.compare .prose { background: #fff; border: 1px dashed var(--muted); padding: .5rem;
                  max-height: 24rem; overflow: auto; }
details { background: #fff; border: 1px solid var(--line); border-radius: 4px;
          padding: .4rem .7rem; margin: .4rem 0; }
summary { cursor: pointer; }
ol.steps { margin: .3rem 0; }
code.hash { font-size: .75rem; overflow-wrap: anywhere; }
/* Narrow windows (a phone, or 200% zoom): the queue's rows become cards. */
@media (max-width: 48rem) {
  header { flex-wrap: wrap; }
  table#queue thead { position: absolute; left: -9999px; }
  table#queue, table#queue tbody, table#queue tr, table#queue td { display: block; }
  table#queue tr { border-bottom: 2px solid var(--line); padding: .3rem 0; }
  table#queue td { border: none; padding: .15rem .6rem; }
  table#queue td::before { content: attr(data-label) ": "; color: var(--muted);
                           font-size: .85rem; }
  dl.fields { grid-template-columns: 1fr; }
}
@page { size: A4; margin: 18mm 15mm; }
@media print {
  /* !important: "form.inline" and the like outrank these selectors. */
  header form, header a, header button, .noprint { display: none !important; }
  body { background: #fff; font-size: 11pt; }
  main { max-width: none; margin: 0; padding: 0; }
  details { border: none; padding: 0; } details > summary { font-weight: 600; }
  table { page-break-inside: auto; } tr { page-break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
)css";

// The words of the pages, Vietnamese first.
const std::map<std::string, std::pair<std::string, std::string>>& Words() {
  static const auto* const words = new std::map<
      std::string, std::pair<std::string, std::string>>{
      {"app", {"Theo dõi trả lời Quốc hội", "National Assembly replies"}},
      {"login", {"Đăng nhập", "Sign in"}},
      {"user", {"Tên đăng nhập", "User name"}},
      {"password", {"Mật khẩu", "Password"}},
      {"logout", {"Đăng xuất", "Sign out"}},
      {"wrong",
       {"Sai tên đăng nhập hoặc mật khẩu.", "Wrong user name or password."}},
      {"expired",
       {"Phiên làm việc đã hết, xin đăng nhập lại.",
        "Your session has ended; please sign in again."}},
      {"refused",
       {"Yêu cầu bị từ chối (thiếu mã bảo vệ biểu mẫu).",
        "Request refused (the form's protection code is "
        "missing)."}},
      {"queue", {"Việc của đơn vị", "My unit's queue"}},
      {"reports", {"Báo cáo", "Reports"}},
      {"reports_intro",
       {"Tải về báo cáo dưới dạng văn bản để ký (khổ A4, theo Nghị định "
        "30/2020/NĐ-CP), bằng ngôn ngữ của trang. Phần nào để trống sẽ được "
        "chừa chỗ để điền tay.",
        "Download a report as a document to sign (A4, laid out as Decree "
        "30/2020/ND-CP asks), in this page's language. What you leave "
        "empty is left blank to fill in by hand."}},
      {"report_kind", {"Báo cáo", "Report"}},
      {"report_period",
       {"Báo cáo định kỳ (văn bản, nhiệm vụ, chất vấn, kiến nghị)",
        "Monthly review (documents, tasks, questions, petitions)"}},
      {"report_timeliness",
       {"Tình hình trả lời đúng hạn", "Timeliness of replies"}},
      {"report_session",
       {"Kết quả trả lời kiến nghị cử tri của một kỳ họp",
        "Voters' petitions of a session"}},
      {"report_month",
       {"Tháng (báo cáo định kỳ, đúng hạn)", "Month (review, timeliness)"}},
      {"report_session_pick",
       {"Kỳ họp (báo cáo kiến nghị)", "Session (petitions report)"}},
      {"heading", {"Thể thức văn bản", "Heading and signature"}},
      {"issuer", {"Cơ quan ban hành", "Issuing body"}},
      {"doc_number", {"Số, ký hiệu", "Number and symbol"}},
      {"issue_date", {"Ngày ban hành", "Date of issue"}},
      {"recipients",
       {"Nơi nhận (mỗi dòng một nơi)", "Recipients (one per line)"}},
      {"signer_authority",
       {"Thẩm quyền ký (ví dụ KT. Bộ trưởng)",
        "Signing on behalf of (e.g. KT. Bộ trưởng)"}},
      {"signer_title", {"Chức vụ người ký", "Signer's title"}},
      {"signer", {"Họ tên người ký", "Signer's name"}},
      {"download", {"Tải về", "Download"}},
      {"due", {"Hạn trả lời", "Due"}},
      {"left", {"Còn lại", "Time left"}},
      {"state", {"Tình trạng", "Standing"}},
      {"kind", {"Loại", "Kind"}},
      {"title", {"Trích yếu", "Subject"}},
      {"role", {"Vai trò", "Role"}},
      {"status", {"Trạng thái", "Status"}},
      {"items", {"việc", "items"}},
      {"next", {"Trang sau →", "Next page →"}},
      {"first", {"← Về trang đầu", "← First page"}},
      {"views", {"Lọc", "Filter"}},
      {"view_all", {"Tất cả", "All"}},
      {"view_overdue", {"Quá hạn", "Overdue"}},
      {"view_soon", {"Sắp đến hạn", "Due soon"}},
      {"view_approval", {"Chờ duyệt", "Awaiting approval"}},
      {"view_lead", {"Chủ trì", "Leading"}},
      {"view_coordinating", {"Phối hợp", "Coordinating"}},
      {"view_returned", {"Bị trả lại", "Returned to us"}},
      {"returned_mark", {"(bị trả lại để sửa)", "(returned for revision)"}},
      {"any", {"Tất cả", "Any"}},
      {"live_on",
       {"Tự cập nhật khi có thay đổi.",
        "Updates itself when anything changes."}},
      {"live_updated", {"Đã cập nhật lúc", "Updated at"}},
      {"live_changed", {"Danh sách đã thay đổi.", "The list has changed."}},
      {"live_show", {"Xem bản mới", "Show the new list"}},
      {"live_lost",
       {"Mất kết nối, đang thử lại…", "Connection lost; trying again…"}},
      {"live_off",
       {"Trang không tự cập nhật được: tải lại để xem mới.",
        "This page cannot update itself: reload it to see changes."}},
      {"live_ended",
       {"Phiên làm việc đã hết: tải lại trang để đăng nhập.",
        "Your session has ended: reload the page to sign in."}},
      {"apply", {"Lọc", "Apply"}},
      {"BEFORE_SESSION", {"Trước", "Before"}},
      {"AFTER_SESSION", {"Sau", "After"}},
      {"empty", {"Không có việc nào đang chờ.", "Nothing is waiting."}},
      {"other", {"English", "Tiếng Việt"}},
      {"OVERDUE", {"Quá hạn", "Overdue"}},
      {"DUE_TODAY", {"Đến hạn hôm nay", "Due today"}},
      {"DUE_SOON", {"Sắp đến hạn", "Due soon"}},
      {"ON_TRACK", {"Trong hạn", "On track"}},
      {"NO_DEADLINE", {"Không có hạn", "No deadline"}},
      {"PETITION", {"Kiến nghị cử tri", "Voters' petition"}},
      {"QUESTION", {"Chất vấn", "Question"}},
      {"DOCUMENT", {"Văn bản", "Document"}},
      {"TASK", {"Nhiệm vụ", "Task"}},
      {"LEAD", {"Chủ trì", "Lead"}},
      {"COORDINATING", {"Phối hợp", "Coordinating"}},
      {"RECEIVED", {"Mới tiếp nhận", "Received"}},
      {"ASSIGNED", {"Đã giao", "Assigned"}},
      {"IN_PROGRESS", {"Đang xử lý", "In progress"}},
      {"PENDING_APPROVAL", {"Chờ duyệt", "Awaiting approval"}},
      {"ANSWERED", {"Đã trả lời", "Answered"}},
      {"NO_RESPONSE_REQUIRED", {"Không phải trả lời", "No reply required"}},
      {"TRANSFERRED_OUT", {"Đã chuyển cơ quan khác", "Transferred out"}},
      {"WITHDRAWN", {"Đã rút", "Withdrawn"}},
      {"DUPLICATE", {"Trùng (đã gộp)", "Duplicate (merged)"}},
      {"not_found",
       {"Không tìm thấy việc này (hoặc bạn không được xem).",
        "No such item (or it is not yours to see)."}},
      {"back", {"← Về danh sách việc", "← Back to the queue"}},
      {"item", {"Việc", "Item"}},
      {"fields", {"Thông tin", "Details"}},
      {"received_on", {"Ngày nhận", "Received"}},
      {"external_ref", {"Số hiệu của nơi gửi", "Sender's reference"}},
      {"session", {"Kỳ họp", "Session"}},
      {"batch", {"Đợt kiến nghị", "Petition batch"}},
      {"field", {"Lĩnh vực", "Field"}},
      {"delegations", {"Đoàn ĐBQH", "Delegations"}},
      {"deputy", {"Đại biểu", "Deputy"}},
      {"delegation", {"Đoàn", "Delegation"}},
      {"addressee", {"Người được hỏi", "Addressed to"}},
      {"asked_on", {"Ngày chất vấn", "Asked on"}},
      {"sender", {"Cơ quan gửi", "Sender"}},
      {"document_number", {"Số, ký hiệu văn bản", "Document number"}},
      {"document_date", {"Ngày văn bản", "Document date"}},
      {"assigned_by", {"Cơ quan giao", "Assigned by"}},
      {"source_document", {"Văn bản giao", "Assigning document"}},
      {"source_date", {"Ngày văn bản giao", "Its date"}},
      {"lead_unit", {"Đơn vị chủ trì", "Lead unit"}},
      {"body", {"Nội dung", "Text"}},
      {"sources", {"Nguồn", "Sources"}},
      {"merged", {"Các việc đã gộp vào đây", "Items merged into this one"}},
      {"merged_into", {"Đã gộp vào việc", "Merged into item"}},
      {"due_explained", {"Hạn trả lời và cách tính", "Due date, and why"}},
      {"no_due", {"Không có hạn trả lời.", "No due date."}},
      {"calendar_incomplete",
       {"Lịch ngày nghỉ của năm này chưa đủ: hạn có thể thay đổi.",
        "This year's holiday calendar is incomplete: the date may "
        "change."}},
      {"coordination", {"Đơn vị phối hợp", "Coordinating units"}},
      {"unit", {"Đơn vị", "Unit"}},
      {"input", {"Ý kiến", "Input"}},
      {"given_at", {"Lúc", "Given at"}},
      {"OPEN", {"Chưa có ý kiến", "Waiting"}},
      {"INPUT_SUBMITTED", {"Đã góp ý", "Input given"}},
      {"DECLINED", {"Từ chối", "Declined"}},
      {"drafts", {"Các bản dự thảo", "Draft versions"}},
      {"no_drafts", {"Chưa có dự thảo.", "No draft yet."}},
      {"draft_n", {"Dự thảo", "Draft"}},
      {"history", {"Lịch sử xử lý", "History"}},
      {"when", {"Thời gian", "When"}},
      {"who", {"Người thực hiện", "Who"}},
      {"what", {"Việc làm", "What"}},
      {"details", {"Chi tiết", "Details"}},
      {"system", {"hệ thống", "system"}},
      {"actions", {"Xử lý", "Actions"}},
      {"no_actions",
       {"Bạn không có thao tác nào với việc này lúc này.",
        "There is nothing for you to do on this item now."}},
      {"draft_editor", {"Dự thảo trả lời", "Draft reply"}},
      {"save_draft", {"Lưu dự thảo", "Save draft"}},
      {"submit_response", {"Trình lãnh đạo duyệt", "Submit for approval"}},
      {"approve", {"Duyệt", "Approve"}},
      {"return", {"Trả lại để sửa", "Return for revision"}},
      {"comment", {"Ý kiến của lãnh đạo", "Comment"}},
      {"return_reason", {"Cần sửa gì (bắt buộc)", "What to revise (required)"}},
      {"give_input", {"Gửi ý kiến phối hợp", "Give input"}},
      {"decline", {"Từ chối phối hợp", "Decline"}},
      {"input_text",
       {"Ý kiến (hoặc lý do từ chối)", "Input (or the reason to decline)"}},
      {"send", {"Gửi văn bản trả lời", "Send the answer"}},
      {"signer", {"Người ký", "Signed by"}},
      {"sent_on", {"Ngày gửi", "Sent on"}},
      {"outcome", {"Kết quả", "Outcome"}},
      {"roadmap",
       {"Lộ trình (khi đang giải quyết)", "Roadmap (when in resolution)"}},
      {"expected_completion",
       {"Dự kiến hoàn thành (khi đang giải quyết)",
        "Expected completion (when in resolution)"}},
      {"answer_text",
       {"Nội dung trả lời (bản đã duyệt)", "Answer text (the approved draft)"}},
      {"answer", {"Văn bản trả lời đã gửi", "The answer as sent"}},
      {"sent_by", {"Người ghi nhận", "Recorded by"}},
      {"conflict",
       {"Người khác đã thay đổi việc này trong lúc bạn soạn. Bản của bạn "
        "vẫn còn trong ô soạn thảo; bản mới nhất đã lưu ở bên cạnh. Xem "
        "lại rồi lưu nếu muốn giữ bản của bạn.",
        "Someone else changed this item while you were writing. Your text "
        "is still in the editor; the latest saved version is beside it. "
        "Check, then save to keep yours."}},
      {"their_version", {"Bản mới nhất đã lưu", "Latest saved version"}},
      {"your_version", {"Bản của bạn", "Your text"}},
      {"stale",
       {"Việc này vừa được người khác thay đổi; trang đã được tải lại, "
        "xin thực hiện lại.",
        "This item was just changed by someone else; the page was "
        "reloaded, please try again."}},
      {"done_draft", {"Đã lưu dự thảo.", "Draft saved."}},
      {"done_input", {"Đã gửi ý kiến.", "Input given."}},
      {"done_submit", {"Đã trình lãnh đạo.", "Submitted for approval."}},
      {"done_approve", {"Đã duyệt.", "Approved."}},
      {"done_return", {"Đã trả lại.", "Returned."}},
      {"done_send", {"Đã gửi trả lời.", "Answer sent."}},
      {"RESOLVED", {"Đã giải quyết", "Resolved"}},
      {"IN_RESOLUTION", {"Đang giải quyết", "Being resolved"}},
      {"EXPLAINED",
       {"Đã giải trình, cung cấp thông tin", "Explained or informed"}},
      {"LEGAL_DOCUMENT", {"Ban hành văn bản", "A legal document issued"}},
      {"INSPECTION", {"Thanh tra, kiểm tra", "Inspection"}},
      {"IMPLEMENTATION", {"Tổ chức thực hiện", "Implemented"}},
      {"ROADMAP", {"Có lộ trình", "On a roadmap"}},
      {"SUBMITTED_TO_GOVERNMENT",
       {"Đã trình Chính phủ", "Submitted to the Government"}},
      {"LACKING_RESOURCES", {"Chưa đủ nguồn lực", "Lacking resources"}},
      {"OTHER_IN_RESOLUTION", {"Lý do khác", "Other"}},
      {"EXPLANATION", {"Giải trình", "Explanation"}},
      {"INFORMATION", {"Cung cấp thông tin", "Information provided"}},
      {"RECORDED", {"Tiếp nhận", "Recorded"}},
      {"TRANSFERRED", {"Chuyển đơn vị", "Transferred"}},
      {"DRAFT_SAVED", {"Lưu dự thảo", "Draft saved"}},
      {"COORDINATION_INPUT", {"Góp ý phối hợp", "Coordination input"}},
      {"COORDINATION_DECLINED", {"Từ chối phối hợp", "Coordination declined"}},
      {"SUBMITTED", {"Trình duyệt", "Submitted"}},
      {"APPROVED", {"Lãnh đạo duyệt", "Approved"}},
      {"RETURNED", {"Trả lại để sửa", "Returned for revision"}},
      {"MERGED", {"Gộp việc", "Merged"}},
      {"MERGED_INTO", {"Được gộp vào việc khác", "Merged into another"}},
      {"UNMERGED", {"Tách khỏi việc gộp", "Unmerged"}},
      {"UNMERGED_FROM", {"Tách một việc ra", "Item taken out"}},
      {"DEADLINE_EXTENDED", {"Gia hạn", "Deadline extended"}},
      {"reason", {"Lý do", "Reason"}},
      {"draft", {"Dự thảo số", "Draft number"}},
      {"unit_code", {"Đơn vị", "Unit"}},
      {"rule", {"Quy tắc", "Rule"}},
      {"to_unit_code", {"Chuyển đến", "To"}},
      {"lead_unit_code", {"Chủ trì", "Lead"}},
      {"approved_by", {"Người duyệt", "Approved by"}},
      {"new_due_on", {"Hạn mới", "New due date"}},
      {"required", {"bắt buộc", "required"}},
      {"characters", {"Số ký tự", "Characters"}},
      {"files", {"Tệp đính kèm", "Attached files"}},
      {"no_files", {"Chưa có tệp nào.", "No file yet."}},
      {"file", {"Tệp", "File"}},
      {"size", {"Dung lượng", "Size"}},
      {"sha256", {"Mã SHA-256", "SHA-256"}},
      {"attach", {"Đính kèm tệp", "Attach the file"}},
      {"too_big",
       {"Tệp quá lớn: tối đa 20 MB. Không có gì được lưu.",
        "The file is too large: 20 MB at most. Nothing was stored."}},
      {"no_page", {"Không có trang này.", "There is no such page."}},
      {"failed",
       {"Đã có lỗi, không thực hiện được yêu cầu.",
        "Something went wrong; the request was not carried out."}},
      {"unavailable",
       {"Không kết nối được máy chủ theo dõi; vui lòng thử lại sau ít phút.",
        "The tracking server cannot be reached; please try again in a few "
        "minutes."}},
      {"request_id",
       {"Mã yêu cầu (báo cho bộ phận công nghệ thông tin):",
        "Request id (quote it to the IT office):"}},
      {"file_hint",
       {"Tệp PDF, DOCX, PNG hoặc JPEG, tối đa 20 MB",
        "A PDF, DOCX, PNG or JPEG file, at most 20 MB"}},
      {"signed_file",
       {"Bản ký số / bản chụp văn bản trả lời (không bắt buộc)",
        "The signed answer as a file (optional)"}},
      {"file_refused",
       {"Đã gửi trả lời, nhưng tệp đính kèm bị từ chối:",
        "The answer was sent, but the file was refused:"}},
      {"SIGNED_ANSWER", {"Văn bản trả lời đã ký", "Signed answer"}},
      {"SUPPORTING", {"Tài liệu kèm theo", "Supporting document"}},
      {"ATTACHMENT_ADDED", {"Đính kèm tệp", "File attached"}},
      {"done_files", {"Đã đính kèm tệp.", "File attached."}},
      {"file_name", {"Tên tệp", "File name"}},
      {"content_type", {"Loại tệp", "Type"}},
      {"size_bytes", {"Số byte", "Bytes"}},
      {"GIVEN", {"ấn định khi tiếp nhận", "given when recorded"}},
      {"RULE", {"tính theo quy định", "by the rule"}},
      {"EXTENDED", {"đã gia hạn", "extended"}},
      {"outcome_detail", {"Phân loại kết quả", "Outcome detail"}},
  };
  return *words;
}

}  // namespace

const char* StyleSheet() { return kStyle; }

std::string T(const std::string& lang, const std::string& key) {
  const auto it = Words().find(key);
  if (it == Words().end()) return key;
  return lang == "en" ? it->second.second : it->second.first;
}

std::string Escape(absl::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::map<std::string, std::string> Cookies(const httplib::Request& req) {
  std::map<std::string, std::string> out;
  for (absl::string_view part :
       absl::StrSplit(req.get_header_value("Cookie"), ';')) {
    part = absl::StripAsciiWhitespace(part);
    const size_t eq = part.find('=');
    if (eq == absl::string_view::npos) continue;
    out.emplace(std::string(part.substr(0, eq)),
                std::string(part.substr(eq + 1)));
  }
  return out;
}

std::string Cookie(const httplib::Request& req, const std::string& name) {
  const auto all = Cookies(req);
  const auto it = all.find(name);
  return it == all.end() ? "" : it->second;
}

std::string Lang(const httplib::Request& req) {
  return Cookie(req, kLangCookie) == "en" ? "en" : "vi";
}

// Equal without leaking where two strings first differ.
bool SameSecret(const std::string& a, const std::string& b) {
  if (a.size() != b.size() || a.empty()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return diff == 0;
}

std::string CsrfFor(const std::string& session_secret) {
  return Sha256Hex(absl::StrCat("pqtrack-web csrf:", session_secret));
}

std::string SetCookie(const std::string& name, const std::string& value,
                      bool secure, bool expire_now) {
  return absl::StrCat(name, "=", value, "; Path=/; HttpOnly; SameSite=Strict",
                      secure ? "; Secure" : "",
                      expire_now ? "; Max-Age=0" : "");
}

std::unique_ptr<grpc::ClientContext> Context(const std::string& secret) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() +
                    std::chrono::seconds(15));
  if (!secret.empty()) ctx->AddMetadata("authorization", "Bearer " + secret);
  return ctx;
}

std::string Page(const std::string& lang, const std::string& title,
                 const std::string& body, const std::string& header_extra) {
  return absl::StrCat(
      "<!doctype html><html lang=\"", lang,
      "\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
      "content=\"width=device-width, initial-scale=1\"><title>",
      Escape(title), " · ", Escape(T(lang, "app")),
      "</title><link rel=\"stylesheet\" href=\"/style.css\"></head><body>"
      "<header><h1>",
      Escape(T(lang, "app")), "</h1>", header_extra, "</header><main>", body,
      "</main></body></html>");
}

std::string LangForm(const std::string& lang, const std::string& csrf,
                     const std::string& back) {
  return absl::StrCat(
      "<form class=\"inline\" method=\"post\" action=\"/lang\">"
      "<input type=\"hidden\" name=\"csrf\" value=\"",
      Escape(csrf), "\"><input type=\"hidden\" name=\"to\" value=\"",
      lang == "en" ? "vi" : "en",
      "\"><input type=\"hidden\" name=\"back\" value=\"", Escape(back),
      "\"><button class=\"link\" type=\"submit\">", Escape(T(lang, "other")),
      "</button></form>");
}

// "Kỳ họp thứ 8 khóa XV" / "Session 8 of term XV".
std::string SessionLabel(const std::string& lang, const v1::Session& s) {
  const bool extra = s.kind() == v1::SESSION_KIND_EXTRAORDINARY;
  if (lang == "en") {
    return absl::StrCat(extra ? "Extraordinary session " : "Session ",
                        s.number(), " of term ", s.term_code());
  }
  return absl::StrCat("Kỳ họp ", extra ? "bất thường " : "", "thứ ", s.number(),
                      " khóa ", s.term_code());
}

std::string Date(const v1::Date& d) {
  if (d.year() == 0) return "";
  return absl::StrFormat("%02d/%02d/%04d", d.day(), d.month(), d.year());
}

std::string LocalTime(const google::protobuf::Timestamp& t) {
  if (t.seconds() == 0 && t.nanos() == 0) return "";
  return absl::FormatTime("%d/%m/%Y %H:%M", absl::FromUnixSeconds(t.seconds()),
                          MinistryTimeZone());
}

}  // namespace pqtrack::web
