// pqtrack user|token|whoami: users and their bearer tokens.
#include <iostream>
#include <memory>

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
  if (ts.seconds() == 0 && ts.nanos() == 0) return "";
  return absl::FormatTime("%Y-%m-%d %H:%M", absl::FromUnixSeconds(ts.seconds()),
                          absl::UTCTimeZone()) +
         " UTC";
}

void PrintUsers(const google::protobuf::RepeatedPtrField<v1::User>& users) {
  client::Table t({"ID", "LOGIN", "ROLE", "UNIT", "NAME", "EMAIL"});
  for (const auto& u : users) {
    t.AddRow({absl::StrCat(u.id()), u.login(), Role(u.role()), u.unit_code(),
              u.display_name(), u.email()});
  }
  t.Print(std::cout);
}

}  // namespace

void AddAdminCommands(CLI::App& app, Context& ctx) {
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

  auto* user = app.add_subcommand("user", "Users (administrators only)");
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
                  "Unit code (required for leader and responder)");
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
