#include "clients/notify/delivery.h"

#include <curl/curl.h>

#include <cstring>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"

namespace pqtrack::notify {
namespace {

struct Upload {
  const std::string* data;
  size_t offset = 0;
};

size_t ReadUpload(char* buffer, size_t size, size_t n, void* user) {
  auto* u = static_cast<Upload*>(user);
  const size_t left = u->data->size() - u->offset;
  const size_t take = std::min(left, size * n);
  std::memcpy(buffer, u->data->data() + u->offset, take);
  u->offset += take;
  return take;
}

size_t Discard(char*, size_t size, size_t n, void*) { return size * n; }

class CurlSender : public Sender {
 public:
  explicit CurlSender(absl::Duration timeout) : timeout_(timeout) {}

  absl::Status PostJson(const std::string& url, const std::string& json,
                        const std::string& key) override {
    CURL* curl = curl_easy_init();
    if (curl == nullptr) return absl::InternalError("curl_easy_init failed");
    curl_slist* headers = nullptr;
    headers = curl_slist_append(headers, "Content-Type: application/json");
    const std::string idem = absl::StrCat("Idempotency-Key: ", key);
    headers = curl_slist_append(headers, idem.c_str());
    headers = curl_slist_append(headers, "User-Agent: pqtrack-notify");
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, json.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(json.size()));
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Discard);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS,
                     static_cast<long>(absl::ToInt64Milliseconds(timeout_)));
    const CURLcode rc = curl_easy_perform(curl);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    if (rc != CURLE_OK) {
      return absl::UnavailableError(curl_easy_strerror(rc));
    }
    if (status < 200 || status > 299) {
      return absl::UnavailableError(absl::StrCat("HTTP status ", status));
    }
    return absl::OkStatus();
  }

  absl::Status SendMail(const Smtp& smtp, const std::vector<std::string>& to,
                        const std::string& subject, const std::string& body,
                        const std::string& message_id) override {
    CURL* curl = curl_easy_init();
    if (curl == nullptr) return absl::InternalError("curl_easy_init failed");
    const std::string message =
        MailMessage(smtp.from, to, subject, body, message_id, absl::Now());
    Upload upload{&message};
    curl_slist* rcpt = nullptr;
    for (const std::string& r : to) {
      rcpt = curl_slist_append(rcpt, absl::StrCat("<", r, ">").c_str());
    }
    const std::string from = absl::StrCat("<", smtp.from, ">");
    curl_easy_setopt(curl, CURLOPT_URL, smtp.url.c_str());
    if (!smtp.username.empty()) {
      curl_easy_setopt(curl, CURLOPT_USERNAME, smtp.username.c_str());
      curl_easy_setopt(curl, CURLOPT_PASSWORD, smtp.password.c_str());
    }
    curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from.c_str());
    curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, ReadUpload);
    curl_easy_setopt(curl, CURLOPT_READDATA, &upload);
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS,
                     static_cast<long>(absl::ToInt64Milliseconds(timeout_)));
    const CURLcode rc = curl_easy_perform(curl);
    curl_slist_free_all(rcpt);
    curl_easy_cleanup(curl);
    if (rc != CURLE_OK) return absl::UnavailableError(curl_easy_strerror(rc));
    return absl::OkStatus();
  }

 private:
  absl::Duration timeout_;
};

}  // namespace

std::unique_ptr<Sender> NewCurlSender(absl::Duration timeout) {
  return std::make_unique<CurlSender>(timeout);
}

std::string MailMessage(const std::string& from,
                        const std::vector<std::string>& to,
                        const std::string& subject, const std::string& body,
                        const std::string& message_id, absl::Time now) {
  std::string text = absl::StrReplaceAll(body, {{"\r\n", "\n"}});
  text = absl::StrReplaceAll(text, {{"\n", "\r\n"}});
  // A line with a lone dot would end the SMTP DATA; curl escapes it, but
  // keep the text plain anyway.
  std::string out = absl::StrCat(
      "Date: ",
      absl::FormatTime("%a, %d %b %Y %H:%M:%S +0000", now, absl::UTCTimeZone()),
      "\r\nFrom: <", from, ">\r\nTo: ", absl::StrJoin(to, ", "),
      "\r\nMessage-ID: <", message_id, "@pqtrack>\r\nSubject: =?UTF-8?B?",
      absl::Base64Escape(subject),
      "?=\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
      "Content-Transfer-Encoding: 8bit\r\n\r\n",
      text, "\r\n");
  return out;
}

}  // namespace pqtrack::notify
