// Provides Sender, how pqtrack-notify delivers: a JSON POST to a webhook
// (with an Idempotency-Key header, so a receiver can drop the duplicates
// that at-least-once delivery can produce) and an e-mail over SMTP (its
// Message-ID is the same key). CurlSender does both with libcurl.
#ifndef PQTRACK_CLIENTS_NOTIFY_DELIVERY_H_
#define PQTRACK_CLIENTS_NOTIFY_DELIVERY_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "clients/notify/config.h"

namespace pqtrack::notify {

class Sender {
 public:
  virtual ~Sender() = default;
  // OK on a 2xx answer; UNAVAILABLE naming the status or the error else.
  virtual absl::Status PostJson(const std::string& url, const std::string& json,
                                const std::string& idempotency_key) = 0;
  // OK when the SMTP server accepted the message for every recipient.
  virtual absl::Status SendMail(const Smtp& smtp,
                                const std::vector<std::string>& to,
                                const std::string& subject,
                                const std::string& body,
                                const std::string& message_id) = 0;
};

// libcurl; call curl_global_init once before (main does).
std::unique_ptr<Sender> NewCurlSender(absl::Duration timeout);

// The whole message, headers and body, as SMTP sends it (CRLF line ends,
// UTF-8 subject encoded per RFC 2047).
std::string MailMessage(const std::string& from,
                        const std::vector<std::string>& to,
                        const std::string& subject, const std::string& body,
                        const std::string& message_id, absl::Time now);

}  // namespace pqtrack::notify

#endif  // PQTRACK_CLIENTS_NOTIFY_DELIVERY_H_
