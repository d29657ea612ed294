// Files attached to items over the in-process channel on a real
// PostgreSQL: upload in chunks, the checks that store nothing, scope,
// download, and the history.
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/crypto.h"
#include "tests/db/api_fixture.h"

namespace pqtrack::api {
namespace {

using ::testing::HasSubstr;

class AttachmentTest : public ApiFixture {
 protected:
  void SetUp() override {
    ApiFixture::SetUp();
    Seed();
    CreateUnit("PC", "BNV", v1::UNIT_KIND_DEPARTMENT);
    responder_ = UserToken("tl.resp", v1::ROLE_RESPONDER, "TL");
    other_ = UserToken("pc.resp", v1::ROLE_RESPONDER, "PC");
    v1::RecordItemResponse resp;
    ASSERT_TRUE(Record(Petition("req-attach-01", "TL"), &resp).ok());
    item_ = resp.item().id();
  }

  // Uploads `bytes` in chunks of `chunk` bytes.
  grpc::Status Upload(const std::string& token, int64_t item,
                      const std::string& name, const std::string& type,
                      const std::string& bytes, v1::Attachment* out = nullptr,
                      size_t chunk = 64 * 1024) {
    auto ctx = As(token);
    v1::UploadAttachmentResponse resp;
    auto writer = attachments_->UploadAttachment(ctx.get(), &resp);
    v1::UploadAttachmentRequest head;
    head.mutable_header()->set_item_id(item);
    head.mutable_header()->set_kind(v1::ATTACHMENT_KIND_SIGNED_ANSWER);
    head.mutable_header()->set_file_name(name);
    head.mutable_header()->set_content_type(type);
    writer->Write(head);
    for (size_t at = 0; at < bytes.size(); at += chunk) {
      v1::UploadAttachmentRequest part;
      part.set_chunk(bytes.substr(at, chunk));
      if (!writer->Write(part)) break;  // the server already answered
    }
    writer->WritesDone();
    const grpc::Status st = writer->Finish();
    if (st.ok() && out != nullptr) *out = resp.attachment();
    return st;
  }

  int Count(const std::string& token = kAdmin) {
    v1::ListAttachmentsRequest req;
    req.set_item_id(item_);
    v1::ListAttachmentsResponse resp;
    EXPECT_TRUE(
        attachments_->ListAttachments(As(token).get(), req, &resp).ok());
    return resp.attachments_size();
  }

  std::string responder_, other_;
  int64_t item_ = 0;
};

// A PDF of `size` bytes (the header, then filler with NULs and high bytes).
std::string Pdf(size_t size) {
  std::string out = "%PDF-1.7\n";
  for (size_t i = 0; out.size() < size; ++i) {
    out.push_back(static_cast<char>(i * 131 % 256));
  }
  return out;
}

TEST_F(AttachmentTest, UploadedFileComesBackByteForByteAndIsInTheHistory) {
  const std::string pdf = Pdf(3 * 1024 * 1024 + 17);
  v1::Attachment a;
  const grpc::Status st = Upload(responder_, item_, "Công văn 456-BNV.pdf",
                                 "application/pdf", pdf, &a);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_GT(a.id(), 0);
  EXPECT_EQ(a.size_bytes(), static_cast<int64_t>(pdf.size()));
  EXPECT_EQ(a.sha256(), Sha256Hex(pdf));
  EXPECT_EQ(a.file_name(), "Công văn 456-BNV.pdf");
  EXPECT_EQ(a.uploaded_by_login(), "tl.resp");
  EXPECT_EQ(Count(responder_), 1);

  v1::DownloadAttachmentRequest req;
  req.set_item_id(item_);
  req.set_attachment_id(a.id());
  auto ctx = As(responder_);
  auto reader = attachments_->DownloadAttachment(ctx.get(), req);
  v1::DownloadAttachmentResponse part;
  ASSERT_TRUE(reader->Read(&part));
  ASSERT_TRUE(part.has_attachment());
  EXPECT_EQ(part.attachment().sha256(), a.sha256());
  std::string got;
  int chunks = 0;
  while (reader->Read(&part)) {
    got += part.chunk();
    ++chunks;
  }
  ASSERT_TRUE(reader->Finish().ok());
  EXPECT_EQ(got, pdf);
  EXPECT_EQ(chunks, 4);  // 1 MiB each

  v1::GetItemHistoryRequest h;
  h.set_id(item_);
  v1::GetItemHistoryResponse history;
  ASSERT_TRUE(items_->GetItemHistory(As(kAdmin).get(), h, &history).ok());
  ASSERT_GE(history.events_size(), 2);
  const v1::Event& e = history.events(history.events_size() - 1);
  EXPECT_EQ(e.kind(), "ATTACHMENT_ADDED");
  EXPECT_EQ(e.actor_login(), "tl.resp");
  EXPECT_THAT(e.detail_json(), HasSubstr(a.sha256()));
  EXPECT_THAT(e.detail_json(), HasSubstr("Công văn 456-BNV.pdf"));
}

TEST_F(AttachmentTest, RefusedFilesStoreNothing) {
  // Too large: one byte over 20 MiB.
  grpc::Status st = Upload(responder_, item_, "big.pdf", "application/pdf",
                           Pdf((size_t{20} << 20) + 1), nullptr, 1 << 20);
  EXPECT_EQ(st.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(st.error_message(), HasSubstr("larger than 20 MiB"));
  // A type not taken.
  st = Upload(responder_, item_, "run.exe", "application/x-msdownload",
              "MZ\x90\x00");
  EXPECT_EQ(st.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(st.error_message(), HasSubstr("header.content_type: must be"));
  // Bytes that are not what the type says.
  st = Upload(responder_, item_, "fake.pdf", "application/pdf",
              "<html>not a pdf</html>");
  EXPECT_EQ(st.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(st.error_message(), HasSubstr("not a application/pdf file"));
  // A path for a name; an empty file.
  st = Upload(responder_, item_, "../etc/passwd.pdf", "application/pdf",
              Pdf(100));
  EXPECT_EQ(st.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(st.error_message(), HasSubstr("header.file_name"));
  st = Upload(responder_, item_, "empty.pdf", "application/pdf", "");
  EXPECT_EQ(st.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(st.error_message(), HasSubstr("empty"));
  EXPECT_EQ(Count(), 0);

  // Another unit's responder is not told the item exists, and stores
  // nothing.
  st = Upload(other_, item_, "x.pdf", "application/pdf", Pdf(100));
  EXPECT_EQ(st.error_code(), grpc::NOT_FOUND);
  EXPECT_EQ(Count(), 0);
  v1::ListAttachmentsRequest req;
  req.set_item_id(item_);
  v1::ListAttachmentsResponse resp;
  EXPECT_EQ(
      attachments_->ListAttachments(As(other_).get(), req, &resp).error_code(),
      grpc::NOT_FOUND);

  // A PNG is taken, and downloading another item's file id is NOT_FOUND.
  v1::Attachment png;
  ASSERT_TRUE(Upload(responder_, item_, "scan.png", "image/png",
                     std::string("\x89PNG\r\n\x1a\n", 8) + "data", &png)
                  .ok());
  v1::RecordItemResponse second;
  ASSERT_TRUE(Record(Petition("req-attach-02", "TL"), &second).ok());
  v1::DownloadAttachmentRequest dl;
  dl.set_item_id(second.item().id());
  dl.set_attachment_id(png.id());
  auto ctx = As(responder_);
  auto reader = attachments_->DownloadAttachment(ctx.get(), dl);
  v1::DownloadAttachmentResponse part;
  EXPECT_FALSE(reader->Read(&part));
  EXPECT_EQ(reader->Finish().error_code(), grpc::NOT_FOUND);
}

}  // namespace
}  // namespace pqtrack::api
