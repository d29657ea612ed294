#include "clients/notify/config.h"

#include <toml++/toml.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace pqtrack::notify {
namespace {

const std::vector<std::string>& KindNames() {
  static const auto* k = new std::vector<std::string>{"ASSIGNED",
                                                      "DUE_SOON",
                                                      "DUE_TODAY",
                                                      "OVERDUE",
                                                      "ESCALATED",
                                                      "TRANSFERRED",
                                                      "RETURNED_FOR_REVISION",
                                                      "ANSWERED",
                                                      "SUBMITTED_FOR_APPROVAL"};
  return *k;
}

class Reader {
 public:
  explicit Reader(std::vector<std::string>* problems) : p_(*problems) {}

  void Text(const toml::table& t, const std::string& prefix, const char* key,
            std::string* out) {
    const toml::node* n = t.get(key);
    if (n == nullptr) return;
    if (auto v = n->value<std::string>()) {
      *out = *v;
    } else {
      p_.push_back(absl::StrCat(prefix, key, ": must be a string"));
    }
  }
  void Int(const toml::table& t, const std::string& prefix, const char* key,
           int lo, int hi, int* out) {
    const toml::node* n = t.get(key);
    if (n == nullptr) return;
    auto v = n->value<int64_t>();
    if (!v || *v < lo || *v > hi) {
      p_.push_back(absl::StrCat(prefix, key, ": must be a whole number from ",
                                lo, " to ", hi));
      return;
    }
    *out = static_cast<int>(*v);
  }
  void Bool(const toml::table& t, const std::string& prefix, const char* key,
            bool* out) {
    const toml::node* n = t.get(key);
    if (n == nullptr) return;
    if (auto v = n->value<bool>()) {
      *out = *v;
    } else {
      p_.push_back(absl::StrCat(prefix, key, ": must be true or false"));
    }
  }
  void List(const toml::table& t, const std::string& prefix, const char* key,
            std::vector<std::string>* out) {
    const toml::node* n = t.get(key);
    if (n == nullptr) return;
    const toml::array* a = n->as_array();
    if (a == nullptr) {
      p_.push_back(absl::StrCat(prefix, key, ": must be a list of strings"));
      return;
    }
    for (const toml::node& e : *a) {
      if (auto v = e.value<std::string>()) {
        out->push_back(*v);
      } else {
        p_.push_back(absl::StrCat(prefix, key, ": must be a list of strings"));
        return;
      }
    }
  }
  void Fail(std::string problem) { p_.push_back(std::move(problem)); }

 private:
  std::vector<std::string>& p_;
};

std::string Resolve(const std::string& base, const std::string& path) {
  if (path.empty() || path[0] == '/' || base.empty()) return path;
  return (std::filesystem::path(base) / path).string();
}

}  // namespace

absl::StatusOr<Config> ParseConfig(const std::string& text,
                                   const std::string& base_dir) {
  toml::table root;
  try {
    root = toml::parse(text);
  } catch (const toml::parse_error& e) {
    return absl::InvalidArgumentError(
        absl::StrCat("line ", static_cast<int64_t>(e.source().begin.line), ": ",
                     std::string(e.description())));
  }
  std::vector<std::string> problems;
  Reader r(&problems);
  Config c;
  static const std::vector<std::string> kTop = {"server",
                                                "language",
                                                "token_file",
                                                "subscriber",
                                                "dead_letter",
                                                "state_dir",
                                                "max_attempts",
                                                "initial_backoff_ms",
                                                "max_backoff_ms",
                                                "timeout_seconds",
                                                "smtp",
                                                "digest",
                                                "route",
                                                "tls_ca",
                                                "tls_server_name",
                                                "tls_cert",
                                                "tls_key"};
  for (const auto& [key, value] : root) {
    if (std::find(kTop.begin(), kTop.end(), std::string(key.str())) ==
        kTop.end()) {
      r.Fail(absl::StrCat(std::string(key.str()), ": unknown setting (known: ",
                          absl::StrJoin(kTop, ", "), ")"));
    }
  }
  r.Text(root, "", "server", &c.server);
  r.Text(root, "", "language", &c.language);
  if (c.language != "vi" && c.language != "en") {
    r.Fail("language: \"vi\" (the default) or \"en\"");
  }
  r.Text(root, "", "token_file", &c.token_file);
  r.Text(root, "", "tls_ca", &c.tls_ca);
  r.Text(root, "", "tls_server_name", &c.tls_server_name);
  r.Text(root, "", "tls_cert", &c.tls_cert);
  r.Text(root, "", "tls_key", &c.tls_key);
  r.Text(root, "", "subscriber", &c.subscriber);
  r.Text(root, "", "dead_letter", &c.dead_letter);
  r.Text(root, "", "state_dir", &c.state_dir);
  r.Int(root, "", "max_attempts", 1, 100, &c.max_attempts);
  int initial = 500, max = 60000, timeout = 10;
  r.Int(root, "", "initial_backoff_ms", 1, 3600000, &initial);
  r.Int(root, "", "max_backoff_ms", 1, 86400000, &max);
  r.Int(root, "", "timeout_seconds", 1, 600, &timeout);
  c.initial_backoff = absl::Milliseconds(initial);
  c.max_backoff = absl::Milliseconds(max);
  c.timeout = absl::Seconds(timeout);
  bool subscriber_ok = !c.subscriber.empty() && c.subscriber.size() <= 100;
  for (char ch : c.subscriber) {
    subscriber_ok = subscriber_ok &&
                    ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
                     ch == '.' || ch == '_' || ch == '-');
  }
  if (!subscriber_ok) {
    r.Fail("subscriber: 1-100 characters from a-z, 0-9, '.', '_', '-'");
  }
  if (const toml::table* smtp = root["smtp"].as_table()) {
    r.Text(*smtp, "smtp.", "url", &c.smtp.url);
    r.Text(*smtp, "smtp.", "from", &c.smtp.from);
    r.Text(*smtp, "smtp.", "username", &c.smtp.username);
    r.Text(*smtp, "smtp.", "password", &c.smtp.password);
    if (!c.smtp.url.empty() && c.smtp.url.rfind("smtp://", 0) != 0 &&
        c.smtp.url.rfind("smtps://", 0) != 0) {
      r.Fail("smtp.url: must start with smtp:// or smtps://");
    }
  }
  if (const toml::table* digest = root["digest"].as_table()) {
    r.Int(*digest, "digest.", "hour", 0, 23, &c.digest_hour);
  }
  if (const toml::node* routes = root.get("route")) {
    const toml::array* a = routes->as_array();
    if (a == nullptr) {
      r.Fail("route: must be [[route]] tables");
    } else {
      int i = 0;
      for (const toml::node& n : *a) {
        const std::string prefix = absl::StrCat("route[", i++, "].");
        const toml::table* t = n.as_table();
        if (t == nullptr) {
          r.Fail(absl::StrCat(prefix, " must be a table"));
          continue;
        }
        Route route;
        r.List(*t, prefix, "units", &route.units);
        r.List(*t, prefix, "kinds", &route.kinds);
        r.Text(*t, prefix, "webhook", &route.webhook);
        r.List(*t, prefix, "email", &route.email);
        r.Bool(*t, prefix, "digest", &route.digest);
        for (const std::string& k : route.kinds) {
          if (std::find(KindNames().begin(), KindNames().end(), k) ==
              KindNames().end()) {
            r.Fail(absl::StrCat(prefix, "kinds: \"", k, "\" is not one of ",
                                absl::StrJoin(KindNames(), ", ")));
          }
        }
        if (route.webhook.empty() && route.email.empty()) {
          r.Fail(absl::StrCat(prefix, " needs a webhook or an email"));
        }
        if (!route.webhook.empty() && route.webhook.rfind("http://", 0) != 0 &&
            route.webhook.rfind("https://", 0) != 0) {
          r.Fail(absl::StrCat(prefix, "webhook: must be an http(s) URL"));
        }
        if (route.digest && route.email.empty()) {
          r.Fail(absl::StrCat(prefix, "digest: needs email"));
        }
        if (!route.email.empty() &&
            (c.smtp.url.empty() || c.smtp.from.empty())) {
          r.Fail(absl::StrCat(prefix, "email: needs [smtp] with url and from"));
        }
        c.routes.push_back(std::move(route));
      }
    }
  }
  if (c.routes.empty()) r.Fail("route: at least one [[route]] is needed");
  if (!problems.empty()) {
    return absl::InvalidArgumentError(absl::StrJoin(problems, "; "));
  }
  c.token_file = Resolve(base_dir, c.token_file);
  if (c.tls_ca != "system") c.tls_ca = Resolve(base_dir, c.tls_ca);
  c.tls_cert = Resolve(base_dir, c.tls_cert);
  c.tls_key = Resolve(base_dir, c.tls_key);
  c.dead_letter = Resolve(base_dir, c.dead_letter);
  c.state_dir = Resolve(base_dir, c.state_dir);
  return c;
}

absl::StatusOr<Config> LoadConfig(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return absl::FailedPreconditionError(absl::StrCat("cannot read ", path));
  }
  std::stringstream ss;
  ss << in.rdbuf();
  auto c =
      ParseConfig(ss.str(), std::filesystem::path(path).parent_path().string());
  if (!c.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": ", c.status().message()));
  }
  return c;
}

}  // namespace pqtrack::notify
