// pqtrack user|token|whoami|login|logout: users, their passwords and
// bearer tokens.
#include <fcntl.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/impl/codegen/client_unary_call.h>
#include <termios.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "clients/cli/cli.h"
#include "pqtrack/v1/admin.grpc.pb.h"

namespace pqtrack::cli {
namespace {

const std::vector<std::string> kRoles = {"admin", "liaison", "leader",
                                         "responder", "service"};

std::string Role(int r) { return EnumLabel(v1::Role_descriptor(), r); }

std::string Instant(const google::protobuf::Timestamp& ts) {
  return client::FormatInstant(ts);
}

void PrintUsers(const google::protobuf::RepeatedPtrField<v1::User>& users) {
  client::Table t({"ID", "LOGIN", "ROLE", "UNIT", "NAME", "EMAIL"});
  for (const auto& u : users) {
    t.AddRow({absl::StrCat(u.id()), u.login(), Role(u.role()), u.unit_code(),
              u.display_name(), u.email()});
  }
  t.Print(std::cout);
}

// Reads a password: a line of standard input with `from_stdin`, else from
// the terminal without echo after `prompt`. nullopt (with a message) when
// there is neither.
std::optional<std::string> ReadPassword(const std::string& prompt,
                                        bool from_stdin) {
  std::string line;
  if (from_stdin) {
    if (!std::getline(std::cin, line)) {
      std::cerr << "error: no password on standard input\n";
      return std::nullopt;
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
  }
  const int tty = ::open("/dev/tty", O_RDWR | O_NOCTTY);
  if (tty < 0) {
    std::cerr << "error: no terminal to ask for the password on; use "
                 "--password-stdin\n";
    return std::nullopt;
  }
  (void)!::write(tty, prompt.data(), prompt.size());
  termios saved{};
  const bool can_hide = ::tcgetattr(tty, &saved) == 0;
  if (can_hide) {
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(tty, TCSAFLUSH, &quiet);
  }
  char c = 0;
  while (::read(tty, &c, 1) == 1 && c != '\n') line += c;
  if (can_hide) ::tcsetattr(tty, TCSAFLUSH, &saved);
  (void)!::write(tty, "\n", 1);
  ::close(tty);
  return line;
}

}  // namespace

void AddAdminCommands(CLI::App& app, Context& ctx) {
  {
    struct Opts {
      std::string user, label = "pqtrack login";
      int hours = 0;
      bool from_stdin = false;
    };
    auto o = std::make_shared<Opts>();
    auto* c = app.add_subcommand(
        "login",
        "Sign in with your user name and password; saves the server address "
        "and a session token in your config file (" +
            client::ConfigPath() +
            ", or PQTRACK_CONFIG), which later "
            "commands use");
    c->add_option("--user", o->user, "Your login, e.g. nguyen.van.a")
        ->required();
    c->add_option("--hours", o->hours,
                  "Hours the session lasts (default 12, at most 720)")
        ->check(CLI::Range(1, 720));
    c->add_flag("--password-stdin", o->from_stdin,
                "Read the password from the first line of standard input");
    c->callback([&ctx, o] {
      const auto password =
          ReadPassword("Mật khẩu / Password: ", o->from_stdin);
      if (!password) {
        ctx.exit_code = 1;
        return;
      }
      v1::LoginRequest req;
      req.set_user_login(o->user);
      req.set_password(*password);
      req.set_label(o->label);
      req.set_session_seconds(int64_t{o->hours} * 3600);
      v1::LoginResponse resp;
      if (!Call(ctx, &v1::AdminService::Stub::Login, req, &resp)) return;
      const std::string path = client::ConfigPath();
      // The CA file is saved by its absolute path, to work from anywhere.
      std::string ca = ctx.connection.tls_ca;
      if (!ca.empty() && ca != "system") {
        ca = std::filesystem::absolute(ca).lexically_normal().string();
      }
      if (absl::Status st = client::WriteConfig(
              path, {ctx.connection.server, resp.secret(), ca});
          !st.ok()) {
        std::cerr << "error: " << st.message() << "\n";
        ctx.exit_code = 1;
        return;
      }
      if (ctx.json()) return client::PrintJson(std::cout, resp.token());
      std::cout << "signed in as " << resp.user().login() << " at "
                << ctx.connection.server << " until "
                << Instant(resp.token().expire_time()) << "; saved in " << path
                << "\n";
    });
  }
  {
    auto* c = app.add_subcommand(
        "logout", "Sign out: revoke the session token and forget it");
    c->callback([&ctx] {
      v1::LogoutResponse resp;
      if (!Call(ctx, &v1::AdminService::Stub::Logout, v1::LogoutRequest(),
                &resp)) {
        return;
      }
      // Forget the token when it was the saved one.
      const std::string path = client::ConfigPath();
      auto saved = client::ReadConfig(path);
      if (saved.ok() && !saved->token.empty() &&
          saved->token == ctx.connection.token) {
        if (absl::Status st =
                client::WriteConfig(path, {saved->server, "", saved->tls_ca});
            !st.ok()) {
          std::cerr << "error: " << st.message() << "\n";
          ctx.exit_code = 1;
          return;
        }
      }
      if (ctx.json()) return client::PrintJson(std::cout, resp);
      std::cout << "signed out (token " << resp.token().id() << " revoked)\n";
    });
  }
  {
    auto* c = app.add_subcommand(
        "health",
        "Ask the server's standard health check (no token needed): prints "
        "SERVING (exit 0) or NOT_SERVING (exit 1), e.g. for a container's "
        "health check");
    c->callback([&ctx] {
      // grpc.health.v1.Health/Check with the empty request (the whole
      // server); the answer is field 1, a varint (1 SERVING, 2 NOT_SERVING).
      grpc::Slice empty("");
      const grpc::ByteBuffer request(&empty, 1);
      grpc::ByteBuffer response;
      auto call = ctx.conn().NewContext();
      const grpc::Status st =
          grpc::internal::BlockingUnaryCall<grpc::ByteBuffer, grpc::ByteBuffer>(
              ctx.conn().channel().get(),
              grpc::internal::RpcMethod("/grpc.health.v1.Health/Check",
                                        grpc::internal::RpcMethod::NORMAL_RPC),
              call.get(), request, &response);
      if (!st.ok()) {
        ctx.exit_code =
            client::PrintCallError(st, ctx.conn().options().server, false);
        return;
      }
      std::vector<grpc::Slice> slices;
      std::string bytes;
      if (response.Dump(&slices).ok()) {
        for (const grpc::Slice& sl : slices) {
          bytes.append(reinterpret_cast<const char*>(sl.begin()), sl.size());
        }
      }
      const bool serving =
          bytes.size() == 2 && bytes[0] == 0x08 && bytes[1] == 0x01;
      std::cout << (serving ? "SERVING" : "NOT_SERVING") << "\n";
      if (!serving) ctx.exit_code = 1;
    });
  }
  {
    auto* c = app.add_subcommand("whoami", "Show the user behind the token");
    c->callback([&ctx] {
      v1::WhoAmIResponse resp;
      if (!Call(ctx, &v1::AdminService::Stub::WhoAmI, v1::WhoAmIRequest(),
                &resp)) {
        return;
      }
      if (ctx.json()) return client::PrintJson(std::cout, resp);
      client::PrintFields(std::cout,
                          {{"login", resp.user().login()},
                           {"name", resp.user().display_name()},
                           {"role", Role(resp.user().role())},
                           {"unit", resp.user().unit_code()},
                           {"token", absl::StrCat(resp.token_id())}});
    });
  }

  auto* user = app.add_subcommand(
      "user", "Users (administrators), and passwords (anyone's own)");
  user->require_subcommand(1);
  {
    struct Opts {
      std::string login, name, role, unit, email;
    };
    auto o = std::make_shared<Opts>();
    auto* c = user->add_subcommand("create", "Create a user");
    c->add_option("--login", o->login, "Login, e.g. nguyen.van.a")->required();
    c->add_option("--name", o->name, "Display name")->required();
    c->add_option("--role", o->role, "Role")
        ->required()
        ->check(CLI::IsMember(kRoles));
    c->add_option("--unit", o->unit,
                  "Unit code (required for leader and responder)")
        ->transform(UnitCodeCase());
    c->add_option("--email", o->email, "E-mail address");
    c->callback([&ctx, o] {
      v1::CreateUserRequest req;
      auto* u = req.mutable_user();
      u->set_login(o->login);
      u->set_display_name(o->name);
      for (size_t i = 0; i < kRoles.size(); ++i) {
        if (kRoles[i] == o->role) u->set_role(static_cast<v1::Role>(i + 1));
      }
      u->set_unit_code(o->unit);
      u->set_email(o->email);
      v1::CreateUserResponse resp;
      if (!Call(ctx, &v1::AdminService::Stub::CreateUser, req, &resp)) return;
      if (ctx.json()) return client::PrintJson(std::cout, resp);
      std::cout << "user " << resp.user().login() << " created (id "
                << resp.user().id() << ", " << Role(resp.user().role())
                << ")\n";
    });
  }
  {
    struct Opts {
      std::string login;
      bool from_stdin = false;
    };
    auto o = std::make_shared<Opts>();
    auto* c = user->add_subcommand(
        "set-password",
        "Set a password (10 to 200 characters): your own, or any user's as an "
        "administrator. Asks for it twice, and for your current one when you "
        "change your own");
    c->add_option("login", o->login, "Whose (default: yours)");
    c->add_flag("--password-stdin", o->from_stdin,
                "Read the new password from the first line of standard "
                "input (and the current one from the second, when needed)");
    c->callback([&ctx, o] {
      const auto first =
          ReadPassword("Mật khẩu mới / New password: ", o->from_stdin);
      if (!first) {
        ctx.exit_code = 1;
        return;
      }
      if (!o->from_stdin) {
        const auto again =
            ReadPassword("Nhập lại / Repeat it: ", /*from_stdin=*/false);
        if (!again || *again != *first) {
          std::cerr << "error: the two passwords differ; nothing changed\n";
          ctx.exit_code = 1;
          return;
        }
      }
      v1::SetPasswordRequest req;
      req.set_user_login(o->login);
      req.set_password(*first);
      v1::SetPasswordResponse resp;
      v1::AdminService::Stub stub(ctx.conn().channel());
      grpc::Status st =
          stub.SetPassword(ctx.conn().NewContext().get(), req, &resp);
      if (st.error_code() == grpc::PERMISSION_DENIED &&
          st.error_message().rfind("current_password:", 0) == 0) {
        // Changing one's own: ask for the current password once.
        const auto current = ReadPassword(
            "Mật khẩu hiện tại / Current password: ", o->from_stdin);
        if (!current) {
          ctx.exit_code = 1;
          return;
        }
        req.set_current_password(*current);
        st = stub.SetPassword(ctx.conn().NewContext().get(), req, &resp);
      }
      if (!st.ok()) {
        ctx.exit_code = client::PrintError(st);
        return;
      }
      std::cout << "password set for "
                << (o->login.empty() ? std::string("you") : o->login) << "\n";
    });
  }
  {
    auto* c = user->add_subcommand("list", "List every user");
    c->callback([&ctx] {
      v1::ListUsersRequest req;
      req.set_page_size(500);
      v1::ListUsersResponse all;
      for (;;) {
        v1::ListUsersResponse resp;
        if (!Call(ctx, &v1::AdminService::Stub::ListUsers, req, &resp)) return;
        all.mutable_users()->MergeFrom(resp.users());
        if (resp.next_page_token().empty()) break;
        req.set_page_token(resp.next_page_token());
      }
      if (ctx.json()) return client::PrintJson(std::cout, all);
      PrintUsers(all.users());
    });
  }

  auto* token = app.add_subcommand("token", "Bearer tokens");
  token->require_subcommand(1);
  {
    struct Opts {
      std::string user, label;
      int days = 0;
    };
    auto o = std::make_shared<Opts>();
    auto* c = token->add_subcommand(
        "issue", "Issue a token for a user and print its secret (shown once)");
    c->add_option("--user", o->user, "The user's login")->required();
    c->add_option("--label", o->label, "Label, e.g. laptop");
    c->add_option("--expires-in-days", o->days,
                  "Days until it stops working (default: never)")
        ->check(CLI::Range(1, 3650));
    c->callback([&ctx, o] {
      v1::IssueTokenRequest req;
      req.set_user_login(o->user);
      req.set_label(o->label);
      if (o->days > 0) {
        req.mutable_expire_time()->set_seconds(
            absl::ToUnixSeconds(absl::Now() + absl::Hours(24 * o->days)));
      }
      v1::IssueTokenResponse resp;
      if (!Call(ctx, &v1::AdminService::Stub::IssueToken, req, &resp)) return;
      if (ctx.json()) return client::PrintJson(std::cout, resp);
      std::cout << resp.secret() << "\n";
      std::cerr << "token " << resp.token().id() << " for "
                << resp.token().user_login()
                << "; the secret above is shown only once\n";
    });
  }
  {
    auto id = std::make_shared<int64_t>(0);
    auto* c = token->add_subcommand("revoke", "Revoke a token by its id");
    c->add_option("id", *id, "Token id")->required();
    c->callback([&ctx, id] {
      v1::RevokeTokenRequest req;
      req.set_token_id(*id);
      v1::RevokeTokenResponse resp;
      if (!Call(ctx, &v1::AdminService::Stub::RevokeToken, req, &resp)) return;
      if (ctx.json()) return client::PrintJson(std::cout, resp);
      std::cout << "token " << resp.token().id() << " revoked\n";
    });
  }
  {
    auto login = std::make_shared<std::string>();
    auto all = std::make_shared<bool>(false);
    auto* c =
        token->add_subcommand("list", "List tokens (never their secrets)");
    c->add_option("--user", *login, "Only this user's tokens (administrators)");
    c->add_flag("--all", *all, "Include revoked and expired tokens");
    c->callback([&ctx, login, all] {
      v1::ListTokensRequest req;
      req.set_user_login(*login);
      req.set_include_inactive(*all);
      v1::ListTokensResponse resp;
      if (!Call(ctx, &v1::AdminService::Stub::ListTokens, req, &resp)) return;
      if (ctx.json()) return client::PrintJson(std::cout, resp);
      client::Table t(
          {"ID", "USER", "LABEL", "ISSUED", "EXPIRES", "REVOKED", "LAST USED"});
      for (const auto& tk : resp.tokens()) {
        t.AddRow({absl::StrCat(tk.id()), tk.user_login(), tk.label(),
                  Instant(tk.create_time()), Instant(tk.expire_time()),
                  Instant(tk.revoke_time()), Instant(tk.last_use_time())});
      }
      t.Print(std::cout);
    });
  }
}

}  // namespace pqtrack::cli
