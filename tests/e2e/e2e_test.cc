// End to end: the real pqtrack-server binary (embedded PostgreSQL, port 0)
// driven by the real pqtrack CLI, plus the standard health and reflection
// services over TCP.
#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/codegen/client_unary_call.h>
#include <httplib.h>
#include <signal.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <pqxx/pqxx>
#include <set>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pqtrack/v1/admin.grpc.pb.h"
#include "pqtrack/v1/alert.grpc.pb.h"
#include "pqtrack/v1/item.grpc.pb.h"
#include "probes.grpc.pb.h"
#include "reflection_probe.grpc.pb.h"
#include "services/common/crypto.h"
#include "services/server/embedded_postgres.h"
#include "services/server/process.h"
#include "tests/testing/pg_fixture.h"
#include "tests/testing/sinks.h"
#include "tests/testing/subprocess.h"

namespace pqtrack {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

struct Cli {
  int code;
  std::string out;
};

// Sets an environment variable for the child processes of one test.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() { ::unsetenv(name_); }

 private:
  const char* name_;
};

void MakeCertificates(const std::string& dir);
std::vector<std::string> TlsFlags(const std::string& d);

// With PQTRACK_E2E_TLS=1 (ctest's e2e.EverythingOverTls) every test runs
// over TLS: the server gets certificates made for the test, and every
// client binary trusts their CA through PQTRACK_TLS_CA (as a user would
// set it), the test's own channels through Channel().
bool OverTls() {
  const char* v = std::getenv("PQTRACK_E2E_TLS");
  return v != nullptr && std::string(v) == "1";
}

class E2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!OverTls()) return;
    MakeCertificates(dir_.path());
    setenv("PQTRACK_TLS_CA", (dir_.path() + "/ca.pem").c_str(), 1);
  }
  void TearDown() override {
    if (OverTls()) unsetenv("PQTRACK_TLS_CA");
  }

  // A channel to the server, as the clients reach it.
  std::shared_ptr<grpc::Channel> Channel() const {
    if (!OverTls()) {
      return grpc::CreateChannel(address_, grpc::InsecureChannelCredentials());
    }
    std::ifstream in(dir_.path() + "/ca.pem");
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs.assign(std::istreambuf_iterator<char>(in),
                              std::istreambuf_iterator<char>());
    return grpc::CreateChannel(address_, grpc::SslCredentials(ssl));
  }

  // Starts the server on `dir_` and returns its address; `listen` reuses
  // the address a previous server was given.
  // `more`: further flags.
  std::string StartServer(const std::string& listen = "127.0.0.1:0",
                          const std::vector<std::string>& more = {}) {
    std::vector<std::string> argv = {PQTRACK_SERVER_BIN,
                                     "--listen",
                                     listen,
                                     "--data-dir",
                                     dir_.path(),
                                     "--alert-interval-seconds",
                                     "1"};
    argv.insert(argv.end(), more.begin(), more.end());
    if (OverTls() &&
        std::find(more.begin(), more.end(), "--tls-cert") == more.end()) {
      for (const std::string& f : TlsFlags(dir_.path())) argv.push_back(f);
    }
    server_ = std::make_unique<testing::Subprocess>(argv);
    const auto line = server_->WaitForLine("listening on ");
    if (!line) {
      ADD_FAILURE() << "the server did not start:\n" << server_->output();
      return "";
    }
    address_ = line->substr(line->find("listening on ") + 13);
    return address_;
  }

  Cli Run(std::vector<std::string> args, bool with_token = true) {
    std::vector<std::string> argv = {PQTRACK_CLI_BIN, "--server", address_};
    if (with_token) {
      argv.push_back("--token-file");
      argv.push_back(token_file_.empty() ? dir_.path() + "/admin.token"
                                         : token_file_);
    }
    argv.insert(argv.end(), args.begin(), args.end());
    auto r = server::RunProcess(argv, std::nullopt);
    EXPECT_TRUE(r.ok());
    return {r->exit_code, r->output};
  }

  // Runs `pqtrack ARGS` (a shell-quoted string) with `input` as its
  // standard input line, no PQTRACK_* variables but PQTRACK_CONFIG=`config`.
  Cli RunWithInput(const std::string& input, const std::string& config,
                   const std::string& args) {
    auto r =
        server::RunProcess({"/bin/sh", "-c",
                            "printf '%s\\n' '" + input +
                                "' | env -u PQTRACK_SERVER -u PQTRACK_TOKEN -u "
                                "PQTRACK_TOKEN_FILE PQTRACK_CONFIG='" +
                                config + "' '" + PQTRACK_CLI_BIN + "' " + args},
                           std::nullopt);
    EXPECT_TRUE(r.ok());
    return r.ok() ? Cli{r->exit_code, r->output} : Cli{-1, ""};
  }

  // Gives `login` a password with the admin token.
  void SetPassword(const std::string& login, const std::string& password) {
    const Cli r = RunWithInput(
        password, dir_.path() + "/none.toml",
        "--server " + address_ + " --token-file " + dir_.path() +
            "/admin.token user set-password " + login + " --password-stdin");
    ASSERT_EQ(r.code, 0) << r.out;
  }

  // Runs pqtrack-desk with the token in `token_file`.
  Cli Desk(const std::string& token_file, std::vector<std::string> args) {
    std::vector<std::string> argv = {PQTRACK_DESK_BIN, "--server", address_,
                                     "--token-file", token_file};
    argv.insert(argv.end(), args.begin(), args.end());
    auto r = server::RunProcess(argv, std::nullopt);
    EXPECT_TRUE(r.ok());
    return {r->exit_code, r->output};
  }

  // Units, term XV, session 7 and its batch 1 received on `received`.
  void SeedAssembly(const std::string& received) {
    ASSERT_EQ(
        Run({"unit", "import", PQTRACK_SOURCE_DIR "/data/moha-units.csv"}).code,
        0);
    ASSERT_EQ(Run({"term", "create", "--code", "XV", "--number", "15",
                   "--start-year", "2021", "--end-year", "2026"})
                  .code,
              0);
    ASSERT_EQ(Run({"session", "create", "--term", "XV", "--number", "7",
                   "--opens", "2024-05-20", "--closes", "2024-06-29"})
                  .code,
              0);
    ASSERT_EQ(
        Run({"batch", "create", "--session", "1", "--phase", "after", "--from",
             "Ban Dân nguyện", "--document", "590/BDN", "--received", received})
            .code,
        0);
  }

  // Runs the CLI with the token in `token_file`.
  Cli RunAs(const std::string& token_file, std::vector<std::string> args) {
    const std::string saved = token_file_;
    token_file_ = token_file;
    Cli r = Run(std::move(args));
    token_file_ = saved;
    return r;
  }

  // Creates a user and writes a token for it to a file; returns the path.
  std::string UserWithToken(const std::string& login, const std::string& role,
                            const std::string& unit) {
    std::vector<std::string> create = {"user",   "create", "--login", login,
                                       "--name", login,    "--role",  role};
    if (!unit.empty()) {
      create.push_back("--unit");
      create.push_back(unit);
    }
    Cli r = Run(create);
    EXPECT_EQ(r.code, 0) << r.out;
    r = Run({"token", "issue", "--user", login});
    EXPECT_EQ(r.code, 0) << r.out;
    const std::string path = dir_.path() + "/" + login + ".token";
    std::ofstream(path) << r.out.substr(0, r.out.find('\n')) << "\n";
    return path;
  }

  testing::TempDir dir_;
  std::unique_ptr<testing::Subprocess> server_;
  std::string address_;
  std::string token_file_;
};

TEST_F(E2eTest, ServerAndCliFromRecordingToListing) {
  ASSERT_FALSE(StartServer().empty());
  EXPECT_THAT(server_->output(), HasSubstr("first start: created user admin"));

  // Health without a token; reflection lists our services.
  auto channel = Channel();
  {
    auto health = grpc::health::v1::Health::NewStub(channel);
    grpc::ClientContext ctx;
    grpc::health::v1::HealthCheckResponse resp;
    ASSERT_TRUE(health->Check(&ctx, {}, &resp).ok());
    EXPECT_EQ(resp.status(), grpc::health::v1::HealthCheckResponse::SERVING);
  }
  {
    auto reflection =
        grpc::reflection::v1alpha::ServerReflection::NewStub(channel);
    grpc::ClientContext ctx;
    auto stream = reflection->ServerReflectionInfo(&ctx);
    grpc::reflection::v1alpha::ServerReflectionRequest req;
    req.set_list_services("");
    ASSERT_TRUE(stream->Write(req));
    grpc::reflection::v1alpha::ServerReflectionResponse resp;
    ASSERT_TRUE(stream->Read(&resp));
    std::vector<std::string> names;
    for (const auto& s : resp.list_services_response().service()) {
      names.push_back(s.name());
    }
    EXPECT_THAT(names,
                ::testing::IsSupersetOf(
                    {"pqtrack.v1.ItemService", "pqtrack.v1.AdminService",
                     "pqtrack.v1.AssemblyService", "pqtrack.v1.UnitService",
                     "grpc.health.v1.Health"}));
    req.set_file_containing_symbol("pqtrack.v1.ItemService");
    ASSERT_TRUE(stream->Write(req));
    ASSERT_TRUE(stream->Read(&resp));
    EXPECT_GT(resp.file_descriptor_response().file_descriptor_proto_size(), 0);
    stream->WritesDone();
    while (stream->Read(&resp)) {
    }
    EXPECT_TRUE(stream->Finish().ok());
  }

  // No token: UNAUTHENTICATED, printed with what to do, non-zero exit.
  Cli r = Run({"unit", "list"}, /*with_token=*/false);
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.out, HasSubstr("error: UNAUTHENTICATED"));
  EXPECT_THAT(r.out, HasSubstr("run `pqtrack login --user LOGIN`"));

  // Habits from gh and kubectl: --version, usage errors exit 2, global
  // options after the command, dates spelt the Vietnamese way explained,
  // an unreachable server named.
  for (const char* bin : {PQTRACK_CLI_BIN, PQTRACK_DESK_BIN, PQTRACK_NOTIFY_BIN,
                          PQTRACK_WEB_BIN, PQTRACK_SERVER_BIN}) {
    testing::Subprocess version({bin, "--version"});
    version.ReadToEnd();
    EXPECT_THAT(version.output(), HasSubstr(" 0.1.0")) << bin;
    EXPECT_EQ(version.Wait(), 0) << bin;
  }
  r = Run({"item", "frobnicate"});
  EXPECT_EQ(r.code, 2) << r.out;
  r = Run({"item", "list", "--received-from", "31/12/2024"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.out, HasSubstr("use 2024-12-31"));
  {
    testing::Subprocess away({PQTRACK_CLI_BIN, "--server", "127.0.0.1:1",
                              "--token", "x", "--timeout", "5", "unit",
                              "list"});
    away.ReadToEnd();
    EXPECT_THAT(away.output(),
                HasSubstr("cannot reach pqtrack-server at 127.0.0.1:1"));
    EXPECT_EQ(away.Wait(), 1);
  }

  r = Run({"unit", "import", PQTRACK_SOURCE_DIR "/data/moha-units.csv"});
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("15 unit(s) created"));
  r = Run({"unit", "import", PQTRACK_SOURCE_DIR "/data/moha-units.csv"});
  EXPECT_THAT(r.out, HasSubstr("0 unit(s) created, 15 already there"));
  r = Run({"unit", "list"});
  EXPECT_THAT(r.out, HasSubstr("  TL     DEPARTMENT    Vụ Tiền lương"));
  // Global options anywhere on the line; ids in JSON as they are.
  r = Run({"unit", "list", "-o", "json"});
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("\"code\": \"TL\""));

  ASSERT_EQ(Run({"term", "create", "--code", "XV", "--number", "15",
                 "--start-year", "2021", "--end-year", "2026"})
                .code,
            0);
  r = Run({"session", "create", "--term", "XV", "--number", "7", "--opens",
           "2024-05-20", "--closes", "2024-06-29"});
  ASSERT_EQ(r.code, 0) << r.out;
  // Sessions by name: the term's code and the session's number.
  r = Run({"batch", "create", "--session", "XV-9", "--phase", "after", "--from",
           "Ban Dân nguyện", "--document", "1/BDN", "--received",
           "2024-07-20"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.out, HasSubstr("no session XV-9; there are: XV-7"));
  r = Run({"batch", "create", "--session", "xv-7", "--phase", "after", "--from",
           "Ban Dân nguyện", "--document", "1/BDN", "--received",
           "2024-07-20"});
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("batch 1 created"));

  // clang-format off
  const std::vector<std::string> petition = {
      "item", "record", "petition", "--batch", "1",
      "--delegation", "Hà Nội", "--delegation", "Nghệ An",
      "--field", "Tiền lương", "--title", "Kiến nghị về tiền lương",
      "--received", "2024-07-20", "--lead", "TL", "--coord", "CCVC",
      "--request-id", "e2e-petition-1"};
  // clang-format on
  r = Run(petition);
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("item 1 recorded (PETITION, ASSIGNED)"));
  r = Run(petition);
  EXPECT_THAT(r.out, HasSubstr("item 1 was already recorded"));
  r = Run({"item", "record", "question", "--session", "1", "--deputy",
           "Nguyễn Văn A", "--delegation", "Đà Nẵng", "--addressee",
           "Bộ trưởng Bộ Nội vụ", "--asked", "2024-06-05", "--title",
           "Chất vấn về biên chế", "--received", "2024-06-06", "--lead",
           "tcbc"});  // unit codes in any case
  ASSERT_EQ(r.code, 0) << r.out;
  // A unit code that does not exist: the nearest ones are named.
  r = Run({"item", "list", "--lead", "TLL"});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.out, HasSubstr("the nearest codes: TL"));
  r = Run({"item", "record", "document", "--sender", "UBND tỉnh Nghệ An",
           "--number", "123/UBND-VP", "--dated", "2024-10-01", "--title",
           "Đề nghị hướng dẫn", "--received", "2024-10-03", "--due",
           "2024-10-20", "--lead", "CCHC"});
  ASSERT_EQ(r.code, 0) << r.out;
  r = Run({"item", "record", "task", "--assigned-by", "Văn phòng Chính phủ",
           "--source-document", "45/TB-VPCP", "--title", "Báo cáo tình hình",
           "--received", "2024-10-05", "--due", "2024-10-25"});
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("(TASK, RECEIVED)"));

  // Bad input: the status and its message, non-zero exit, nothing written.
  r = Run({"item", "record", "petition", "--batch", "99", "--delegation", "X",
           "--field", "Y", "--title", "Z", "--received", "2024-07-20"});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.out, HasSubstr("error: INVALID_ARGUMENT: "
                               "item.petition.batch_id: no batch 99"));
  r = Run({"item", "record", "task", "--assigned-by", "A", "--source-document",
           "B", "--title", "C", "--received", "2024-02-30"});
  EXPECT_NE(r.code, 0);
  EXPECT_THAT(r.out, HasSubstr("is not a date"));

  r = Run({"item", "list"});
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("Kiến nghị về tiền lương"));
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 5) << r.out;
  r = Run({"item", "list", "--kind", "task", "--status", "received"});
  EXPECT_THAT(r.out, HasSubstr("Báo cáo tình hình"));
  EXPECT_THAT(r.out, Not(HasSubstr("Chất vấn")));
  r = Run({"-o", "json", "item", "get", "1"});
  EXPECT_THAT(r.out, HasSubstr("\"lead_unit_code\": \"TL\""));
  EXPECT_THAT(r.out, HasSubstr("\"Nghệ An\""));
  r = Run({"item", "list", "--page-size", "2"});
  EXPECT_THAT(r.out, HasSubstr("more: --page-token"));
  r = Run({"item", "list", "--page-size", "2", "--all"});
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 5) << r.out;

  // A responder of TL sees TL's item only.
  ASSERT_EQ(Run({"user", "create", "--login", "tl.resp", "--name", "Trần Thị B",
                 "--role", "responder", "--unit", "TL"})
                .code,
            0);
  r = Run({"token", "issue", "--user", "tl.resp", "--label", "e2e"});
  ASSERT_EQ(r.code, 0) << r.out;
  const std::string secret = std::string(
      absl::StripAsciiWhitespace(r.out.substr(0, r.out.find('\n'))));
  token_file_ = dir_.path() + "/resp.token";
  std::ofstream(token_file_) << secret << "\n";
  r = Run({"item", "list"});
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("Kiến nghị về tiền lương"));
  EXPECT_THAT(r.out, Not(HasSubstr("Báo cáo")));
  r = Run({"item", "get", "4"});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.out, HasSubstr("error: NOT_FOUND: no item 4"));
  r = Run({"item", "record", "task", "--assigned-by", "A", "--source-document",
           "B", "--title", "C", "--received", "2024-10-01"});
  EXPECT_THAT(r.out, HasSubstr("error: PERMISSION_DENIED"));
  token_file_.clear();

  // A second server on the same data directory is refused.
  {
    testing::Subprocess second({PQTRACK_SERVER_BIN, "--listen", "127.0.0.1:0",
                                "--data-dir", dir_.path()});
    second.ReadToEnd();
    EXPECT_EQ(second.Wait(), 1);
    EXPECT_THAT(second.output(),
                HasSubstr("is in use by another pqtrack-server"));
  }

  // Recovery token from the host while the server runs.
  {
    auto rec = server::RunProcess(
        {PQTRACK_SERVER_BIN, "issue-admin-token", "--data-dir", dir_.path()},
        std::nullopt);
    ASSERT_TRUE(rec.ok());
    ASSERT_EQ(rec->exit_code, 0) << rec->output;
    token_file_ = dir_.path() + "/recovered.token";
    std::ofstream(token_file_)
        << rec->output.substr(0, rec->output.find('\n')) << "\n";
    r = Run({"whoami"});
    EXPECT_THAT(r.out, HasSubstr("ADMIN"));
    token_file_.clear();
  }

  // SIGTERM: clean shutdown, PostgreSQL stopped; a restart keeps the data.
  server_->Signal(SIGTERM);
  server_->ReadToEnd();
  EXPECT_EQ(server_->Wait(), 0) << server_->output();
  EXPECT_THAT(server_->output(), HasSubstr("stopped"));
  ASSERT_FALSE(StartServer().empty());
  EXPECT_THAT(server_->output(), Not(HasSubstr("first start")));
  r = Run({"item", "list"});
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 5) << r.out;
  server_->Signal(SIGINT);
  server_->ReadToEnd();
  EXPECT_EQ(server_->Wait(), 0) << server_->output();
}

// The embedded cluster takes further run-time parameters (the benchmarks'
// --pg-setting), a value with spaces included, and refuses a malformed one
// before it starts anything.
TEST(EmbeddedPostgresSettings, AreGivenToTheServerOrRefused) {
  for (const std::string bad : {"work_mem", "=7MB", "7work_mem=1", "work mem=1",
                                "work_mem=1'; true", "work_mem=1\\"}) {
    testing::TempDir dir;
    server::EmbeddedPostgres::Options o;
    o.data_dir = dir.path() + "/pg";
    o.settings = {"work_mem=7MB", bad};
    auto pg = server::EmbeddedPostgres::Start(o);
    ASSERT_FALSE(pg.ok()) << bad;
    EXPECT_EQ(pg.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(pg.status().message(), HasSubstr("\"" + bad + "\"")) << bad;
    EXPECT_FALSE(std::filesystem::exists(o.data_dir)) << bad;
  }

  testing::TempDir dir;
  chmod(dir.path().c_str(), 0755);  // for PostgreSQL's own user, when root
  server::EmbeddedPostgres::Options o;
  o.data_dir = dir.path() + "/pg";
  o.settings = {"work_mem=7MB", "search_path=public, pg_catalog"};
  auto pg = server::EmbeddedPostgres::Start(o);
  ASSERT_TRUE(pg.ok()) << pg.status();
  {
    pqxx::connection c((*pg)->ConnectionString());
    pqxx::nontransaction tx(c);
    EXPECT_EQ(tx.exec1("SHOW work_mem")[0].as<std::string>(), "7MB");
    EXPECT_EQ(tx.exec1("SHOW search_path")[0].as<std::string>(),
              "public, pg_catalog");
  }
  ASSERT_TRUE((*pg)->Stop().ok());
}

// Started while its database is down, the server listens at once, says
// NOT_SERVING (and UNAVAILABLE to calls), and serves once the database
// comes up; later, health follows an outage and the recovery.
TEST_F(E2eTest, TheServerWaitsForItsDatabaseAndHealthFollowsIt) {
  testing::TempDir pg_dir;
  const std::string url =
      server::EmbeddedPostgres::ConnectionStringFor(pg_dir.path(), "pqtrack");
  std::vector<std::string> argv = {PQTRACK_SERVER_BIN,
                                   "--listen",
                                   "127.0.0.1:0",
                                   "--data-dir",
                                   dir_.path(),
                                   "--database-url",
                                   url,
                                   "--health-interval-seconds",
                                   "1"};
  if (OverTls()) {
    for (const std::string& f : TlsFlags(dir_.path())) argv.push_back(f);
  }
  server_ = std::make_unique<testing::Subprocess>(argv);
  const auto waiting = server_->WaitForLine("waiting for the database on ");
  ASSERT_TRUE(waiting) << server_->output();
  const size_t at = waiting->find(" on ") + 4;
  address_ = waiting->substr(at, waiting->find(" (") - at);
  auto channel = Channel();
  auto health = grpc::health::v1::Health::NewStub(channel);
  grpc::health::v1::HealthCheckRequest req;
  grpc::health::v1::HealthCheckResponse resp;
  {
    grpc::ClientContext ctx;
    ASSERT_TRUE(health->Check(&ctx, req, &resp).ok());
    EXPECT_EQ(resp.status(),
              grpc::health::v1::HealthCheckResponse::NOT_SERVING);
  }
  // `pqtrack health` (a container's health check) says the same, no token.
  Cli said = Run({"health"}, /*with_token=*/false);
  EXPECT_EQ(said.code, 1) << said.out;
  EXPECT_THAT(said.out, HasSubstr("NOT_SERVING"));
  {
    auto items = v1::ItemService::NewStub(channel);
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer pqt_anything");
    v1::ListItemsResponse items_resp;
    const grpc::Status st =
        items->ListItems(&ctx, v1::ListItemsRequest(), &items_resp);
    EXPECT_EQ(st.error_code(), grpc::StatusCode::UNAVAILABLE);
    EXPECT_THAT(st.error_message(), HasSubstr("waiting for its database"));
  }

  server::EmbeddedPostgres::Options o;
  o.data_dir = pg_dir.path();
  auto pg = server::EmbeddedPostgres::Start(o);
  ASSERT_TRUE(pg.ok()) << pg.status();
  ASSERT_TRUE(server_->WaitForLine("listening on ")) << server_->output();
  EXPECT_THAT(server_->output(),
              HasSubstr("\"level\":\"warning\",\"msg\":\"the database is "
                        "unreachable"));
  Cli r = Run({"unit", "list"});
  EXPECT_EQ(r.code, 0) << r.out;
  said = Run({"health"}, /*with_token=*/false);
  EXPECT_EQ(said.code, 0) << said.out;
  EXPECT_EQ(said.out, "SERVING\n");

  // An outage, then the recovery: health says each (the stream sends
  // every change).
  grpc::ClientContext watch_ctx;
  watch_ctx.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(120));
  auto watch = health->Watch(&watch_ctx, req);
  ASSERT_TRUE(watch->Read(&resp));
  EXPECT_EQ(resp.status(), grpc::health::v1::HealthCheckResponse::SERVING);
  ASSERT_TRUE((*pg)->Stop().ok());
  ASSERT_TRUE(watch->Read(&resp));
  EXPECT_EQ(resp.status(), grpc::health::v1::HealthCheckResponse::NOT_SERVING);
  pg = server::EmbeddedPostgres::Start(o);
  ASSERT_TRUE(pg.ok()) << pg.status();
  ASSERT_TRUE(watch->Read(&resp));
  EXPECT_EQ(resp.status(), grpc::health::v1::HealthCheckResponse::SERVING);
  watch_ctx.TryCancel();
  (void)watch->Finish();
  r = Run({"unit", "list"});
  EXPECT_EQ(r.code, 0) << r.out;
  server_->Signal(SIGTERM);
  server_->ReadToEnd();
  server_->Wait();
  ASSERT_TRUE((*pg)->Stop().ok());
}

// Certificates made at test time with openssl: a CA, a server certificate
// it signed for 127.0.0.1 and localhost, a client certificate it signed,
// and an unrelated second CA. In `dir`: ca.pem, server.pem/.key,
// client.pem/.key, other-ca.pem.
void MakeCertificates(const std::string& dir) {
  const std::string script = R"(set -e
cd ")" + dir + R"("
key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
key ca.key; key other-ca.key; key server.key; key client.key
openssl req -x509 -new -key ca.key -out ca.pem -days 2 -subj /CN=pqtrack-test-ca
openssl req -x509 -new -key other-ca.key -out other-ca.pem -days 2 -subj /CN=someone-else
openssl req -new -key server.key -out server.csr -subj /CN=pqtrack-server
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' > server.ext
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
  -out server.pem -days 2 -extfile server.ext 2>/dev/null
openssl req -new -key client.key -out client.csr -subj /CN=pqtrack-notify
openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
  -out client.pem -days 2 2>/dev/null
)";
  auto r = server::RunProcess({"/bin/sh", "-c", script}, std::nullopt);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->exit_code, 0) << r->output;
}

// The server's TLS flags with the certificates of MakeCertificates in `d`,
// client certificates verified against its CA.
std::vector<std::string> TlsFlags(const std::string& d) {
  return {"--tls-cert",      d + "/server.pem", "--tls-key",
          d + "/server.key", "--tls-client-ca", d + "/ca.pem"};
}

// TLS: the CLI speaks it with the CA given and verifies the server's name;
// a client trusting another CA, or speaking plain text, gets nothing.
TEST_F(E2eTest, TlsServesClientsThatTrustItsCaOnly) {
  const std::string d = dir_.path();
  MakeCertificates(d);
  // Each client here says what it trusts (also in e2e.EverythingOverTls).
  unsetenv("PQTRACK_TLS_CA");
  ASSERT_FALSE(StartServer("127.0.0.1:0", TlsFlags(d)).empty());
  EXPECT_THAT(server_->output(), HasSubstr("speaking TLS with "));
  const std::string port = address_.substr(address_.rfind(':') + 1);

  Cli r = Run({"--tls-ca", d + "/ca.pem", "whoami"});
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("admin"));
  // By name, and with a client certificate.
  auto named = server::RunProcess(
      {PQTRACK_CLI_BIN, "--server", "localhost:" + port, "--token-file",
       d + "/admin.token", "--tls-ca", d + "/ca.pem", "--tls-cert",
       d + "/client.pem", "--tls-key", d + "/client.key", "unit", "list"},
      std::nullopt);
  ASSERT_TRUE(named.ok());
  EXPECT_EQ(named->exit_code, 0) << named->output;
  // Refused: another CA, a name the certificate does not carry, plain text.
  r = Run({"--tls-ca", d + "/other-ca.pem", "whoami"});
  EXPECT_NE(r.code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("the TLS handshake with pqtrack-server at"));
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--tls-ca", d + "/other-ca.pem", "whoami"},
        std::vector<std::string>{"--tls-ca", d + "/ca.pem", "--tls-server-name",
                                 "pqtrack.example", "whoami"},
        std::vector<std::string>{"--timeout", "5", "whoami"}}) {
    r = Run(args);
    EXPECT_NE(r.code, 0) << r.out;
    EXPECT_THAT(r.out, Not(HasSubstr("admin"))) << r.out;
  }
  // A client certificate the server's client CA did not sign.
  r = Run({"--tls-ca", d + "/ca.pem", "--tls-cert", d + "/other-ca.pem",
           "--tls-key", d + "/other-ca.key", "whoami"});
  EXPECT_NE(r.code, 0) << r.out;
  // A half-given client certificate is a usage mistake, said plainly.
  r = Run(
      {"--tls-ca", d + "/ca.pem", "--tls-cert", d + "/client.pem", "whoami"});
  EXPECT_NE(r.code, 0);
  EXPECT_THAT(r.out, HasSubstr("needs its key"));
  server_->Signal(SIGTERM);
  server_->ReadToEnd();
  server_->Wait();
}

// Plain text is for loopback only: elsewhere the server refuses to start
// unless told --allow-plaintext, and then says so.
TEST_F(E2eTest, PlainTextOffLoopbackIsRefusedOrAnnounced) {
  auto r = server::RunProcess(
      {PQTRACK_SERVER_BIN, "--listen", "0.0.0.0:0", "--data-dir", dir_.path()},
      std::nullopt);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->exit_code, 2) << r->output;
  EXPECT_THAT(r->output, HasSubstr("refusing to listen in plain text"));
  r = server::RunProcess({PQTRACK_SERVER_BIN, "--listen", "127.0.0.1:0",
                          "--data-dir", dir_.path(), "--tls-cert", "x.pem"},
                         std::nullopt);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->exit_code, 2) << r->output;
  EXPECT_THAT(r->output, HasSubstr("go together"));
  server_ = std::make_unique<testing::Subprocess>(
      std::vector<std::string>{PQTRACK_SERVER_BIN, "--listen", "0.0.0.0:0",
                               "--data-dir", dir_.path(), "--allow-plaintext"});
  ASSERT_TRUE(server_->WaitForLine("listening on ")) << server_->output();
  // Said in the log, as a warning.
  EXPECT_THAT(server_->output(),
              HasSubstr("\"level\":\"warning\",\"msg\":\"listening in "
                        "plain text on 0.0.0.0:"));
  server_->Signal(SIGTERM);
  server_->ReadToEnd();
  server_->Wait();
}

// --help lists pqtrack-server's own flags (before, it printed "No flags
// matched" and only --helpfull listed them).
TEST_F(E2eTest, ServerHelpListsItsFlags) {
  auto r = server::RunProcess({PQTRACK_SERVER_BIN, "--help"}, std::nullopt);
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(r->output, Not(HasSubstr("No flags matched"))) << r->output;
  for (const char* flag : {"--listen", "--database_url", "--data_dir",
                           "--health_interval_seconds"}) {
    EXPECT_THAT(r->output, HasSubstr(flag)) << r->output;
  }
}

// Anyone can send requests that cannot be decoded, before signing in: the
// server refuses each with INVALID_ARGUMENT and counts them, and its log
// gets one summary line, not one line per request (before, protobuf wrote
// a "libprotobuf ERROR" line for each).
TEST_F(E2eTest, UnreadableRequestsDoNotFloodTheServerLog) {
  ASSERT_FALSE(StartServer().empty());
  auto channel = Channel();
  // ListItemsRequest.lead_unit_code (field 4) that is not UTF-8.
  const std::string bad = std::string("\x22\x03\xff\xfe\xfd", 5);
  for (int i = 0; i < 200; ++i) {
    grpc::ClientContext ctx;
    grpc::Slice slice(bad);
    grpc::ByteBuffer request(&slice, 1);
    grpc::ByteBuffer response;
    const grpc::Status st =
        grpc::internal::BlockingUnaryCall<grpc::ByteBuffer, grpc::ByteBuffer>(
            channel.get(),
            grpc::internal::RpcMethod("/pqtrack.v1.ItemService/ListItems",
                                      grpc::internal::RpcMethod::NORMAL_RPC),
            &ctx, request, &response);
    ASSERT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << st.error_message();
    ASSERT_EQ(st.error_message(), "lead_unit_code: must be valid UTF-8");
  }
  server_->Signal(SIGTERM);
  server_->ReadToEnd();
  server_->Wait();
  const std::string log = server_->output();
  EXPECT_THAT(log, Not(HasSubstr("libprotobuf"))) << log;
  const std::vector<std::string> summaries =
      absl::StrSplit(log, "could not be decoded");
  EXPECT_EQ(summaries.size(), 2u) << log;  // one line, at the first
}

// The server's call log: one JSON object a line per call of a signed-in
// user; an unexpected failure is logged with its detail, and its client
// gets only the request id to quote, not PostgreSQL's text.
// A Unix socket is reachable from this machine only, like loopback: plain
// text is allowed on it without a warning, and clients reach the server by
// its unix: address.
TEST_F(E2eTest, ServesOnAUnixSocket) {
  if (OverTls()) GTEST_SKIP() << "a Unix socket is served in plain text";
  const std::string socket = "unix:" + dir_.path() + "/pqtrack.sock";
  ASSERT_EQ(StartServer(socket), socket);
  EXPECT_THAT(server_->output(), Not(HasSubstr("plain text")));
  EXPECT_EQ(Run({"health"}, /*with_token=*/false).code, 0);
  const Cli r = Run({"whoami"});
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("admin"));
  server_->Signal(SIGTERM);
  server_->ReadToEnd();
  EXPECT_EQ(server_->Wait(), 0);
}

TEST_F(E2eTest, TheServerLogsCallsAsJsonAndKeepsAFailuresDetailToItself) {
  ASSERT_FALSE(StartServer().empty());
  ASSERT_EQ(Run({"whoami"}).code, 0);
  auto line =
      server_->WaitForLine("\"rpc\":\"/pqtrack.v1.AdminService/WhoAmI\"");
  ASSERT_TRUE(line) << server_->output();
  EXPECT_THAT(*line, HasSubstr("\"level\":\"info\""));
  EXPECT_THAT(*line, HasSubstr("\"user\":\"admin\""));
  EXPECT_THAT(*line, HasSubstr("\"status\":\"OK\""));
  EXPECT_THAT(*line, HasSubstr("\"latency_ms\":"));
  EXPECT_THAT(*line, HasSubstr("\"request_id\":\""));
  EXPECT_EQ(line->front(), '{');

  // Something no request can cause: a table gone.
  {
    pqxx::connection c(
        server::EmbeddedPostgres::ConnectionStringFor(dir_.path(), "pqtrack"));
    pqxx::nontransaction tx(c);
    tx.exec("DROP TABLE units CASCADE");
  }
  const Cli r = Run({"unit", "list"});
  EXPECT_NE(r.code, 0);
  EXPECT_THAT(r.out, HasSubstr("internal error (request id "));
  EXPECT_THAT(r.out, Not(HasSubstr("units")));
  EXPECT_THAT(r.out, Not(HasSubstr("does not exist")));
  const size_t at = r.out.find("request id ") + 11;
  const std::string id = r.out.substr(at, r.out.find(';', at) - at);
  ASSERT_FALSE(id.empty()) << r.out;
  line = server_->WaitForLine("\"request_id\":\"" + id + "\"");
  ASSERT_TRUE(line) << server_->output();
  EXPECT_THAT(*line, HasSubstr("\"level\":\"error\""));
  EXPECT_THAT(*line,
              HasSubstr("\"rpc\":\"/pqtrack.v1.UnitService/ListUnits\""));
  EXPECT_THAT(*line, HasSubstr("\"status\":\"INTERNAL\""));
  EXPECT_THAT(*line, HasSubstr("does not exist"));
  server_->Signal(SIGTERM);
  server_->ReadToEnd();
  server_->Wait();
}

// GET /metrics on --metrics-listen, in Prometheus' text format: calls by
// method and code with their latency, the refused-before-decoding count,
// watchers, the scheduler and the database pool.
TEST_F(E2eTest, MetricsAreScrapedInPrometheusTextFormat) {
  // A malformed address is a usage error, said before anything starts.
  auto bad = server::RunProcess(
      {PQTRACK_SERVER_BIN, "--listen", "127.0.0.1:0", "--data-dir", dir_.path(),
       "--metrics-listen", "9464"},
      std::nullopt);
  ASSERT_TRUE(bad.ok());
  EXPECT_EQ(bad->exit_code, 2) << bad->output;
  EXPECT_THAT(bad->output, HasSubstr("--metrics-listen: expected host:port"));
  EXPECT_FALSE(std::filesystem::exists(dir_.path() + "/postgres"));
  ASSERT_FALSE(
      StartServer("127.0.0.1:0", {"--metrics-listen", "127.0.0.1:0"}).empty());
  const std::string out = server_->output();
  const size_t at = out.find("metrics on http://");
  ASSERT_NE(at, std::string::npos) << out;
  const size_t from = at + 18;
  const std::string hostport =
      out.substr(from, out.find("/metrics", from) - from);
  ASSERT_EQ(Run({"whoami"}).code, 0);
  ASSERT_EQ(Run({"whoami"}).code, 0);
  EXPECT_NE(Run({"item", "get", "999"}).code, 0);

  httplib::Client http("http://" + hostport);
  auto res = http.Get("/metrics");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_THAT(res->get_header_value("Content-Type"),
              HasSubstr("text/plain; version=0.0.4"));
  const std::string& m = res->body;
  EXPECT_THAT(m, HasSubstr("pqtrack_rpc_total{method=\"/pqtrack.v1."
                           "AdminService/WhoAmI\",code=\"OK\"} 2\n"));
  EXPECT_THAT(m, HasSubstr("pqtrack_rpc_total{method=\"/pqtrack.v1."
                           "ItemService/GetItem\",code=\"NOT_FOUND\"} 1\n"));
  EXPECT_THAT(m,
              HasSubstr("pqtrack_rpc_duration_seconds_bucket{method=\"/"
                        "pqtrack.v1.AdminService/WhoAmI\",le=\"+Inf\"} 2\n"));
  EXPECT_THAT(m, HasSubstr("pqtrack_rpc_duration_seconds_count{method=\"/"
                           "pqtrack.v1.AdminService/WhoAmI\"} 2\n"));
  for (const char* name :
       {"pqtrack_unreadable_requests_total ", "pqtrack_open_watchers 0\n",
        "pqtrack_alerts_fired_total ", "pqtrack_scheduler_seconds_since_round ",
        "pqtrack_db_connections{state=\"open\"} ",
        "pqtrack_db_connections{state=\"idle\"} ", "pqtrack_db_pool_max 16\n",
        "# TYPE pqtrack_rpc_duration_seconds histogram\n"}) {
    EXPECT_THAT(m, HasSubstr(name)) << m;
  }
  // Every sample line is NAME{LABELS} VALUE, VALUE a number.
  for (absl::string_view l : absl::StrSplit(m, '\n')) {
    if (l.empty() || l[0] == '#') continue;
    const size_t space = l.rfind(' ');
    ASSERT_NE(space, absl::string_view::npos) << l;
    const absl::string_view name = l.substr(0, l.find_first_of("{ "));
    EXPECT_TRUE(!name.empty() &&
                name.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") ==
                    absl::string_view::npos)
        << l;
    double value = 0;
    EXPECT_TRUE(absl::SimpleAtod(l.substr(space + 1), &value)) << l;
  }
  server_->Signal(SIGTERM);
  server_->ReadToEnd();
  EXPECT_EQ(server_->Wait(), 0) << server_->output();
}

TEST_F(E2eTest, LoginSavesTheServerAndASessionForLaterCommands) {
  StartServer();
  const std::string config = dir_.path() + "/home/.config/pqtrack/config.toml";
  // `pqtrack` with the user's config file, no flags, the password on stdin.
  const auto as_user = [&](const std::string& input, const std::string& args) {
    return RunWithInput(input, config, args);
  };
  SeedAssembly("2024-07-20");
  UserWithToken("tl.nguyen", "responder", "TL");
  Cli r = Run({"user", "set-password", "tl.nguyen", "--password-stdin"});
  EXPECT_NE(r.code, 0);  // nothing on stdin
  SetPassword("tl.nguyen", "Mật khẩu đủ dài 2024");
  r = as_user("sai mật khẩu", "--server " + address_ +
                                  " login --user tl.nguyen --password-stdin");
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.out, HasSubstr("UNAUTHENTICATED: wrong user name or password"));
  // A broken config file is ignored (with a warning) and then replaced.
  std::filesystem::create_directories(dir_.path() + "/home/.config/pqtrack");
  std::ofstream(config) << "server = [not toml\n";
  r = as_user(
      "Mật khẩu đủ dài 2024",
      "--server " + address_ + " login --user tl.nguyen --password-stdin");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("signed in as tl.nguyen"));
  EXPECT_THAT(r.out, HasSubstr("warning: ignoring"));
  struct stat st;
  ASSERT_EQ(stat(config.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  // Later commands find the server and the session in the config file.
  r = as_user("", "whoami");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("tl.nguyen"));
  // The saved token goes only to the saved server address: the same
  // server under another name gets no token.
  const std::string other_name =
      "localhost" + address_.substr(address_.rfind(':'));
  r = as_user("", "--server " + other_name + " whoami");
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.out, HasSubstr("missing metadata"));
  r = as_user("", "logout");
  ASSERT_EQ(r.code, 0) << r.out;
  r = as_user("", "whoami");
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.out, HasSubstr("UNAUTHENTICATED"));
}

// The Set-Cookie line of `res` for cookie `name`, or "".
std::string SetCookieLine(const httplib::Result& res, const std::string& name) {
  for (const auto& [key, value] : res->headers) {
    if (key == "Set-Cookie" && value.rfind(name + "=", 0) == 0) return value;
  }
  return "";
}

// The Cookie header value (name=value) for cookie `name` set in `res`.
std::string CookieFrom(const httplib::Result& res, const std::string& name) {
  const std::string line = SetCookieLine(res, name);
  return line.substr(0, line.find(';'));
}

// The value of the first hidden field `csrf` of a page.
std::string CsrfOf(const std::string& html) {
  const std::string marker = "name=\"csrf\" value=\"";
  const size_t at = html.find(marker);
  if (at == std::string::npos) return "";
  const size_t from = at + marker.size();
  return html.substr(from, html.find('"', from) - from);
}

// A browser's /events stream, read on a thread of its own.
class EventStream {
 public:
  EventStream(const std::string& hostport, httplib::Headers headers)
      : thread_([this, hostport, headers] {
          httplib::Client c("http://" + hostport);
          c.set_read_timeout(120, 0);  // heartbeats come every 15 s
          auto res = c.Get("/events", headers, [this](const char* d, size_t n) {
            std::lock_guard<std::mutex> l(mu_);
            data_.append(d, n);
            cv_.notify_all();
            return true;
          });
          std::lock_guard<std::mutex> l(mu_);
          status_ = res ? res->status : -1;
          ended_ = true;
          cv_.notify_all();
        }) {}
  ~EventStream() { thread_.join(); }

  // Waits (a minute at most) until `text` has arrived.
  bool WaitFor(const std::string& text) {
    std::unique_lock<std::mutex> l(mu_);
    return cv_.wait_for(l, std::chrono::seconds(60),
                        [&] { return data_.find(text) != std::string::npos; });
  }
  // Waits (a minute at most) until the response ended; its status.
  int WaitForEnd() {
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait_for(l, std::chrono::seconds(60), [&] { return ended_; });
    return ended_ ? status_ : 0;
  }
  std::string data() {
    std::lock_guard<std::mutex> l(mu_);
    return data_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::string data_;
  bool ended_ = false;
  int status_ = 0;
  std::thread thread_;
};

TEST_F(E2eTest, WebDeskSignsInShowsTheUnitsQueueAndSignsOut) {
  StartServer();
  SeedAssembly("2024-07-20");
  UserWithToken("tl.nguyen", "responder", "TL");
  UserWithToken("ccvc.tran", "responder", "CCVC");
  SetPassword("tl.nguyen", "Mật khẩu đủ dài 2024");
  SetPassword("ccvc.tran", "Mật khẩu khác đủ dài");
  ASSERT_EQ(Run({"item", "record", "document", "--sender", "UBND tỉnh Nghệ An",
                 "--number", "1234/UBND-NC", "--dated", "2024-10-02",
                 "--received", "2024-10-04", "--due", "2024-10-25", "--title",
                 "Hướng dẫn <phụ cấp> & chế độ", "--lead", "TL"})
                .code,
            0);
  testing::Subprocess web(
      {PQTRACK_WEB_BIN, "--listen", "127.0.0.1:0", "--server", address_});
  const auto line = web.WaitForLine("listening on http://");
  ASSERT_TRUE(line) << web.output();
  const std::string hostport = line->substr(
      line->find("http://") + 7,
      line->find(' ', line->find("http://")) - line->find("http://") - 7);
  httplib::Client http("http://" + hostport);

  auto page = http.Get("/login");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_THAT(page->get_header_value("Content-Security-Policy"),
              HasSubstr("default-src 'none'"));
  EXPECT_THAT(page->body, HasSubstr("Đăng nhập"));
  EXPECT_THAT(SetCookieLine(page, "pqtrack_login_csrf"),
              HasSubstr("HttpOnly; SameSite=Strict"));
  const std::string login_cookie = CookieFrom(page, "pqtrack_login_csrf");
  const std::string login_csrf = CsrfOf(page->body);
  ASSERT_FALSE(login_csrf.empty());
  const httplib::Headers with_login_cookie = {{"Cookie", login_cookie}};
  const auto sign_in = [&](const std::string& user, const std::string& password,
                           const std::string& csrf) {
    return http.Post(
        "/login", with_login_cookie,
        httplib::Params{
            {"csrf", csrf}, {"user", user}, {"password", password}});
  };
  // A form posted without its code, or with another, is refused.
  auto r = sign_in("tl.nguyen", "Mật khẩu đủ dài 2024", "");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(CookieFrom(r, "pqtrack_session"), "");
  r = sign_in("tl.nguyen", "Mật khẩu đủ dài 2024", std::string(43, 'A'));
  EXPECT_EQ(r->status, 403);
  r = sign_in("tl.nguyen", "sai mật khẩu", login_csrf);
  EXPECT_EQ(r->status, 401);
  EXPECT_THAT(r->body, HasSubstr("Sai tên đăng nhập hoặc mật khẩu"));
  EXPECT_EQ(CookieFrom(r, "pqtrack_session"), "");

  r = sign_in("tl.nguyen", "Mật khẩu đủ dài 2024", login_csrf);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 303);
  EXPECT_EQ(r->get_header_value("Location"), "/");
  EXPECT_THAT(SetCookieLine(r, "pqtrack_session"),
              HasSubstr("HttpOnly; SameSite=Strict"));
  const std::string session = CookieFrom(r, "pqtrack_session");
  ASSERT_FALSE(session.empty());
  const httplib::Headers signed_in = {{"Cookie", session}};

  auto queue = http.Get("/", signed_in);
  ASSERT_TRUE(queue);
  EXPECT_EQ(queue->status, 200);
  EXPECT_THAT(queue->body, HasSubstr("Việc của đơn vị"));
  EXPECT_THAT(queue->body, HasSubstr("Hướng dẫn &lt;phụ cấp&gt; &amp; chế độ"));
  EXPECT_THAT(queue->body, HasSubstr("25/10/2024"));
  EXPECT_THAT(queue->body, HasSubstr("Chủ trì TL"));
  EXPECT_THAT(queue->body, HasSubstr("Quá hạn"));  // words, not colour alone
  EXPECT_THAT(queue->body, HasSubstr("(1 việc)"));
  const std::string csrf = CsrfOf(queue->body);
  ASSERT_FALSE(csrf.empty());
  // The views filter on the server.
  queue = http.Get("/?view=overdue", signed_in);
  EXPECT_THAT(queue->body, HasSubstr("Hướng dẫn &lt;phụ cấp&gt;"));
  EXPECT_THAT(queue->body, HasSubstr("aria-current=\"page\">Quá hạn"));
  queue = http.Get("/?view=approval", signed_in);
  EXPECT_THAT(queue->body, ::testing::Not(HasSubstr("Hướng dẫn")));
  EXPECT_THAT(queue->body, HasSubstr("Không có việc nào đang chờ"));
  // What httplib refuses by itself gets a page of ours.
  auto none = http.Get("/no/such/page", signed_in);
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 404);
  EXPECT_THAT(none->body, HasSubstr("Không có trang này"));
  auto huge = http.Post("/items/1/files", signed_in,
                        std::string((size_t{21} << 20) + 1, 'x'),
                        "multipart/form-data; boundary=x");
  // The desk may close the connection before the body is all sent (then
  // the client has no response to read); when it answers, it says why.
  if (huge) {
    EXPECT_EQ(huge->status, 413);
    EXPECT_THAT(huge->body, HasSubstr("Tệp quá lớn"));
  }
  queue = http.Get("/?view=all&page=forged", signed_in);
  EXPECT_EQ(queue->status, 400);
  EXPECT_THAT(queue->body, HasSubstr("page_token"));

  // English with one click.
  r = http.Post("/lang", signed_in,
                httplib::Params{{"csrf", csrf}, {"to", "en"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 303);
  const httplib::Headers english = {
      {"Cookie", session + "; " + CookieFrom(r, "pqtrack_lang")}};
  queue = http.Get("/", english);
  EXPECT_THAT(queue->body, HasSubstr("My unit&#39;s queue"));
  EXPECT_THAT(queue->body, HasSubstr("Overdue"));

  // The live stream starts from now with a heartbeat, then brings the
  // unit's alerts as they fire.
  EventStream live(hostport, signed_in);
  ASSERT_TRUE(live.WaitFor("event: heartbeat")) << live.data();
  EXPECT_THAT(live.data(), HasSubstr("retry: 3000"));
  EXPECT_THAT(live.data(), ::testing::Not(HasSubstr("event: alert")));
  ASSERT_EQ(
      Run({"item", "record", "document", "--sender", "UBND tỉnh Huế",
           "--number", "9/UBND-NV", "--dated", "2024-10-02", "--received",
           "2024-10-04", "--title", "Tuyển dụng viên chức", "--lead", "TL"})
          .code,
      0);
  ASSERT_TRUE(live.WaitFor("Tuyển dụng viên chức")) << live.data();
  EXPECT_THAT(live.data(), HasSubstr("event: alert"));
  EXPECT_THAT(live.data(), HasSubstr("\"kind\":\"ALERT_KIND_ASSIGNED\""));
  // A move that raises no alert comes as a change (no id: not replayed).
  const std::string data = live.data();
  const size_t at = data.find("\"item_id\":\"") + 11;
  const std::string item = data.substr(at, data.find('"', at) - at);
  ASSERT_EQ(Run({"item", "extend", item, "--to", "2024-12-20", "--reason",
                 "Chờ ý kiến Bộ Tài chính", "--approved-by", "Thứ trưởng"})
                .code,
            0);
  ASSERT_TRUE(live.WaitFor("\"event_kind\":\"DEADLINE_EXTENDED\""))
      << live.data();
  EXPECT_THAT(live.data(),
              HasSubstr("\nevent: change\ndata: {\"item_id\":\"" + item));

  // The reports as documents to sign, in the page's language (English
  // since the switch above), for the user's own unit.
  auto reports = http.Get("/reports", english);
  ASSERT_TRUE(reports);
  EXPECT_EQ(reports->status, 200);
  EXPECT_THAT(reports->body, HasSubstr("action=\"/reports/document\""));
  auto doc = http.Get(
      "/reports/document?report=period&month=2024-10&issuer=B%E1%BB%99%20"
      "N%E1%BB%99i%20v%E1%BB%A5&number=12%2FBC-TL&date=2024-11-05&recipients="
      "V%C4%83n%20ph%C3%B2ng%0ABan%20D%C3%A2n%20nguy%E1%BB%87n",
      english);
  ASSERT_TRUE(doc);
  EXPECT_EQ(doc->status, 200) << doc->body;
  EXPECT_THAT(doc->get_header_value("Content-Disposition"),
              HasSubstr("attachment; filename=\"bao-cao-period-2024-10-en"));
  EXPECT_THAT(doc->body, HasSubstr("Socialist Republic of Viet Nam"));
  EXPECT_THAT(doc->body, HasSubstr("<b>Bộ Nội vụ</b>"));
  EXPECT_THAT(doc->body, HasSubstr("No.: 12/BC-TL"));
  EXPECT_THAT(doc->body, HasSubstr("Hà Nội, 5 November 2024"));
  EXPECT_THAT(doc->body, HasSubstr("- Văn phòng;<br>- Ban Dân nguyện;"));
  EXPECT_THAT(doc->body, HasSubstr(" of Vụ Tiền lương (TL)"));
  doc = http.Get(
      "/reports/document?report=timeliness&month=2024-13&signer=Nguy%E1%BB%85n"
      "%20V%C4%83n%20A",
      english);
  ASSERT_TRUE(doc);
  EXPECT_EQ(doc->status, 400);
  EXPECT_THAT(doc->body, HasSubstr("2024-13"));
  // The refused form keeps what was typed.
  EXPECT_THAT(doc->body, HasSubstr("value=\"Nguyễn Văn A\""));
  EXPECT_THAT(doc->body, HasSubstr("<option value=\"timeliness\" selected>"));

  // Another unit's responder does not see TL's item.
  r = sign_in("ccvc.tran", "Mật khẩu khác đủ dài", login_csrf);
  ASSERT_EQ(r->status, 303);
  const httplib::Headers other_unit = {
      {"Cookie", CookieFrom(r, "pqtrack_session")}};
  queue = http.Get("/", other_unit);
  EXPECT_EQ(queue->status, 200);
  EXPECT_THAT(queue->body, ::testing::Not(HasSubstr("Hướng dẫn")));

  // Signing out needs the form's code, and ends the session on the server.
  r = http.Post("/logout", signed_in, httplib::Params{});
  EXPECT_EQ(r->status, 403);
  r = http.Post("/logout", signed_in, httplib::Params{{"csrf", csrf}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 303);
  EXPECT_EQ(r->get_header_value("Location"), "/login");
  EXPECT_THAT(SetCookieLine(r, "pqtrack_session"), HasSubstr("Max-Age=0"));
  // ... and its live stream; the browser's reconnection is refused.
  EXPECT_EQ(live.WaitForEnd(), 200);
  queue = http.Get("/", signed_in);  // the old cookie, replayed
  EXPECT_EQ(queue->status, 401);
  EXPECT_THAT(queue->body, HasSubstr("Phiên làm việc đã hết"));
  auto events = http.Get("/events", signed_in);
  ASSERT_TRUE(events);
  EXPECT_EQ(events->status, 401);

  // Stopping the desk ends the streams it holds, at once.
  EventStream open(hostport, other_unit);
  ASSERT_TRUE(open.WaitFor("event: heartbeat")) << open.data();
  web.Signal(SIGTERM);
  EXPECT_EQ(web.Wait(), 0);
  EXPECT_EQ(open.WaitForEnd(), 200);
}

// The desk's log: a JSON line a request, with the user and without the
// query. When pqtrack-server fails or is gone, the page says so in words
// with the request id only; the log has the detail under that id.
TEST_F(E2eTest, WebDeskLogsRequestsAndKeepsAFailuresDetailToItsLog) {
  StartServer();
  ASSERT_EQ(
      Run({"unit", "import", PQTRACK_SOURCE_DIR "/data/moha-units.csv"}).code,
      0);
  UserWithToken("tl.nguyen", "responder", "TL");
  SetPassword("tl.nguyen", "Mật khẩu đủ dài 2024");
  testing::Subprocess web(
      {PQTRACK_WEB_BIN, "--listen", "127.0.0.1:0", "--server", address_});
  const auto listening = web.WaitForLine("listening on http://");
  ASSERT_TRUE(listening) << web.output();
  const size_t from = listening->find("http://") + 7;
  httplib::Client http(
      "http://" + listening->substr(from, listening->find(' ', from) - from));
  auto page = http.Get("/login");
  ASSERT_TRUE(page);
  const httplib::Headers with_login_cookie = {
      {"Cookie", CookieFrom(page, "pqtrack_login_csrf")}};
  const httplib::Params credentials = {{"csrf", CsrfOf(page->body)},
                                       {"user", "tl.nguyen"},
                                       {"password", "Mật khẩu đủ dài 2024"}};
  auto r = http.Post("/login", with_login_cookie, credentials);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 303);
  const httplib::Headers signed_in = {
      {"Cookie", CookieFrom(r, "pqtrack_session")}};
  auto queue = http.Get("/?view=overdue", signed_in);
  ASSERT_TRUE(queue);
  EXPECT_EQ(queue->status, 200);
  auto line = web.WaitForLine("\"path\":\"/\",\"status\":200");
  ASSERT_TRUE(line) << web.output();
  EXPECT_EQ(line->front(), '{');
  EXPECT_THAT(*line, HasSubstr("\"level\":\"info\""));
  EXPECT_THAT(*line, HasSubstr("\"method\":\"GET\""));
  EXPECT_THAT(*line, HasSubstr("\"user\":\"tl.nguyen\""));
  EXPECT_THAT(*line, HasSubstr("\"latency_ms\":"));
  EXPECT_THAT(*line, HasSubstr("\"remote\":\"127.0.0.1\""));
  EXPECT_THAT(*line, Not(HasSubstr("overdue")));

  // pqtrack-server goes away.
  server_->Signal(SIGTERM);
  server_->ReadToEnd();
  server_->Wait();
  for (const bool signing_in : {false, true}) {
    r = signing_in ? http.Post("/login", with_login_cookie, credentials)
                   : http.Get("/", signed_in);
    ASSERT_TRUE(r);
    // Not "wrong password": the server cannot be reached.
    EXPECT_EQ(r->status, 502) << r->body;
    EXPECT_THAT(r->body, HasSubstr("Không kết nối được máy chủ theo dõi"));
    EXPECT_THAT(r->body, Not(HasSubstr("UNAVAILABLE")));
    EXPECT_THAT(r->body, Not(HasSubstr(address_)));
    const size_t at = r->body.find("class=\"request-id\"");
    ASSERT_NE(at, std::string::npos) << r->body;
    const size_t code = r->body.find("<code>", at) + 6;
    const std::string id =
        r->body.substr(code, r->body.find("</code>", code) - code);
    ASSERT_EQ(id.size(), 11u) << r->body;
    line = web.WaitForLine("\"request_id\":\"" + id + "\"");
    ASSERT_TRUE(line) << web.output();
    EXPECT_THAT(*line, HasSubstr("\"level\":\"error\""));
    EXPECT_THAT(*line, HasSubstr("\"status\":502"));
    EXPECT_THAT(*line,
                HasSubstr(signing_in ? "\"detail\":\"Login: UNAVAILABLE: "
                                     : "\"detail\":\"WhoAmI: UNAVAILABLE: "));
  }
  web.Signal(SIGTERM);
  EXPECT_EQ(web.Wait(), 0);
}

// The web desk over TLS both ways: HTTPS to the browser (cookies marked
// Secure), TLS to pqtrack-server. A browser that does not trust the CA
// gets nothing; plain HTTP off loopback is refused unless asked for.
TEST_F(E2eTest, WebDeskServesHttpsAndSpeaksTlsToTheServer) {
  const std::string d = dir_.path();
  MakeCertificates(d);
  ASSERT_FALSE(StartServer("127.0.0.1:0", TlsFlags(d)).empty());
  // The CLI trusts the CA as a user would set it.
  ScopedEnv trust("PQTRACK_TLS_CA", d + "/ca.pem");
  ASSERT_EQ(
      Run({"unit", "import", PQTRACK_SOURCE_DIR "/data/moha-units.csv"}).code,
      0);
  UserWithToken("tl.nguyen", "responder", "TL");
  SetPassword("tl.nguyen", "Mật khẩu đủ dài 2024");
  ASSERT_EQ(Run({"item", "record", "document", "--sender", "UBND tỉnh Huế",
                 "--number", "5/UBND", "--dated", "2024-10-02", "--received",
                 "2024-10-04", "--title", "Qua kết nối mã hóa", "--lead", "TL"})
                .code,
            0);

  // Refused at start: plain HTTP off loopback, half a certificate.
  for (const std::vector<std::string>& bad :
       {std::vector<std::string>{"--listen", "0.0.0.0:0"},
        std::vector<std::string>{"--listen", "127.0.0.1:0", "--https-cert",
                                 d + "/server.pem"},
        std::vector<std::string>{"--listen", "127.0.0.1:0", "--https-cert",
                                 d + "/server.pem", "--https-key",
                                 d + "/other-ca.key"}}) {
    std::vector<std::string> argv = {PQTRACK_WEB_BIN, "--server", address_};
    argv.insert(argv.end(), bad.begin(), bad.end());
    auto refused = server::RunProcess(argv, std::nullopt);
    ASSERT_TRUE(refused.ok());
    EXPECT_EQ(refused->exit_code, 2) << refused->output;
  }

  testing::Subprocess web({PQTRACK_WEB_BIN, "--listen", "127.0.0.1:0",
                           "--server", address_, "--tls-ca", d + "/ca.pem",
                           "--https-cert", d + "/server.pem", "--https-key",
                           d + "/server.key"});
  const auto line = web.WaitForLine("listening on https://");
  ASSERT_TRUE(line) << web.output();
  EXPECT_THAT(*line, HasSubstr("over TLS"));
  const size_t at = line->find("https://") + 8;
  const std::string hostport = line->substr(at, line->find(' ', at) - at);
  httplib::Client https("https://" + hostport);
  https.set_ca_cert_path((d + "/ca.pem").c_str());
  https.enable_server_certificate_verification(true);
  auto page = https.Get("/login");
  ASSERT_TRUE(page) << httplib::to_string(page.error());
  EXPECT_EQ(page->status, 200);
  EXPECT_THAT(SetCookieLine(page, "pqtrack_login_csrf"), HasSubstr("Secure"));
  const httplib::Headers with_login_cookie = {
      {"Cookie", CookieFrom(page, "pqtrack_login_csrf")}};
  auto signed_in =
      https.Post("/login", with_login_cookie,
                 httplib::Params{{"csrf", CsrfOf(page->body)},
                                 {"user", "tl.nguyen"},
                                 {"password", "Mật khẩu đủ dài 2024"}});
  ASSERT_TRUE(signed_in);
  ASSERT_EQ(signed_in->status, 303) << signed_in->body;
  EXPECT_THAT(SetCookieLine(signed_in, "pqtrack_session"), HasSubstr("Secure"));
  // The queue comes from pqtrack-server, over TLS.
  auto queue =
      https.Get("/", {{"Cookie", CookieFrom(signed_in, "pqtrack_session")}});
  ASSERT_TRUE(queue);
  EXPECT_EQ(queue->status, 200);
  EXPECT_THAT(queue->body, HasSubstr("Qua kết nối mã hóa"));

  // A browser trusting another CA, and one speaking plain HTTP.
  httplib::Client stranger("https://" + hostport);
  stranger.set_ca_cert_path((d + "/other-ca.pem").c_str());
  stranger.enable_server_certificate_verification(true);
  EXPECT_FALSE(stranger.Get("/login"));
  httplib::Client plain("http://" + hostport);
  auto clear = plain.Get("/login");
  EXPECT_TRUE(!clear || clear->status != 200);
  web.Signal(SIGTERM);
  EXPECT_EQ(web.Wait(), 0) << web.output();
}

TEST_F(E2eTest, CliAttachesListsAndDownloadsFiles) {
  ASSERT_FALSE(StartServer().empty());
  SeedAssembly("2024-07-26");
  const std::string responder =
      UserWithToken("tl.chuyenvien", "responder", "TL");
  const std::string other = UserWithToken("pc.chuyenvien", "responder", "VP");
  Cli r = Run({"item", "record", "document", "--sender", "UBND tỉnh Huế",
               "--number", "77/UBND", "--dated", "2024-10-01", "--received",
               "2024-10-02", "--title", "Đề nghị hướng dẫn", "--lead", "TL"});
  ASSERT_EQ(r.code, 0) << r.out;
  std::string pdf = "%PDF-1.5\n";
  pdf.append(std::string("\0\xff\x01binary", 9));
  pdf.append(3 << 20, 'x');  // several chunks
  const std::string path = dir_.path() + "/Trả lời 456.pdf";
  std::ofstream(path, std::ios::binary) << pdf;
  r = RunAs(responder, {"item", "attach", "1", path});
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("attached Trả lời 456.pdf to item 1 as file 1"));
  EXPECT_THAT(r.out, HasSubstr(Sha256Hex(pdf)));
  r = RunAs(responder, {"item", "files", "1"});
  EXPECT_THAT(r.out, HasSubstr("SIGNED_ANSWER"));
  EXPECT_THAT(r.out, HasSubstr(absl::StrCat(pdf.size())));
  const std::string copy = dir_.path() + "/copy.pdf";
  r = RunAs(responder, {"item", "download", "1", "1", "-O", copy});
  ASSERT_EQ(r.code, 0) << r.out;
  std::ifstream in(copy, std::ios::binary);
  const std::string got((std::istreambuf_iterator<char>(in)),
                        std::istreambuf_iterator<char>());
  EXPECT_EQ(got, pdf);
  // Never over an existing file; a type it cannot tell; another unit.
  r = RunAs(responder, {"item", "download", "1", "1", "-O", copy});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.out, HasSubstr("exists"));
  const std::string notes = dir_.path() + "/ghi-chu.txt";
  std::ofstream(notes) << "ghi chú";
  r = RunAs(responder, {"item", "attach", "1", notes});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.out, HasSubstr("give --type"));
  r = RunAs(responder,
            {"item", "attach", "1", notes, "--type", "application/pdf"});
  EXPECT_NE(r.code, 0);
  EXPECT_THAT(r.out, HasSubstr("not a application/pdf file"));
  r = RunAs(other, {"item", "files", "1"});
  EXPECT_NE(r.code, 0);
  EXPECT_THAT(r.out, HasSubstr("NOT_FOUND"));
  r = RunAs(responder, {"item", "history", "1"});
  EXPECT_THAT(r.out, HasSubstr("ATTACHMENT_ADDED"));
}

// A backup taken while the server serves restores into a new data
// directory as the same database: every item (as exported), every item's
// history, the attachment's bytes, the users' tokens, and an audit chain
// that verifies. Restore refuses a database that is not empty and a file
// that is not a backup.
TEST_F(E2eTest, ABackupRestoresIntoANewDataDirectoryAsTheSameDatabase) {
  ASSERT_FALSE(StartServer().empty());
  SeedAssembly("2024-07-26");
  for (const char* title : {"Đề nghị hướng dẫn", "Kiến nghị về tiền lương"}) {
    const Cli r =
        Run({"item", "record", "document", "--sender", "UBND tỉnh Huế",
             "--number", "77/UBND", "--dated", "2024-10-01", "--received",
             "2024-10-02", "--title", title, "--lead", "TL"});
    ASSERT_EQ(r.code, 0) << r.out;
  }
  const std::string responder =
      UserWithToken("tl.chuyenvien", "responder", "TL");
  std::string pdf = "%PDF-1.5\n";
  pdf.append(std::string("\0\xff\x01", 3));
  pdf.append(2 << 20, 'y');
  const std::string pdf_path = dir_.path() + "/tra-loi.pdf";
  std::ofstream(pdf_path, std::ios::binary) << pdf;
  ASSERT_EQ(RunAs(responder, {"item", "attach", "2", pdf_path}).code, 0);
  ASSERT_EQ(RunAs(responder, {"item", "draft", "2", "--text", "Dự thảo"}).code,
            0);

  const std::string file = dir_.path() + "/pqtrack.backup";
  const auto server_cmd = [&](std::vector<std::string> args) {
    args.insert(args.begin(), PQTRACK_SERVER_BIN);
    auto r = server::RunProcess(args, std::nullopt);
    EXPECT_TRUE(r.ok());
    return r.ok() ? Cli{r->exit_code, r->output} : Cli{-1, ""};
  };
  Cli r = server_cmd({"backup", "--data-dir", dir_.path(), "--out", file});
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("(2 items, "));
  EXPECT_THAT(r.out, HasSubstr("1 attachments) written to " + file));
  EXPECT_FALSE(std::filesystem::exists(file + ".partial"));
  {
    // With a URL that holds a password, pg_dump gets it in its environment
    // and never on its command line (which `ps` shows to everyone): a
    // pg_dump that notes both, then runs the real one.
    auto bin = server::EmbeddedPostgres::FindBinDir("");
    ASSERT_TRUE(bin.ok()) << bin.status();
    const std::string tools = dir_.path() + "/pgbin";
    std::filesystem::create_directories(tools);
    std::ofstream(tools + "/pg_dump")
        << "#!/bin/sh\nprintf '%s\\n' \"$@\" > " << tools << "/args\nenv > "
        << tools << "/env\nexec " << *bin << "/pg_dump \"$@\"\n";
    std::filesystem::permissions(tools + "/pg_dump",
                                 std::filesystem::perms::owner_all);
    // --pg-bin-dir is the directory of pg_ctl too.
    std::filesystem::create_symlink(*bin + "/pg_ctl", tools + "/pg_ctl");
    r = server_cmd(
        {"backup", "--out", dir_.path() + "/by-url.backup", "--pg-bin-dir",
         tools, "--database-url",
         server::EmbeddedPostgres::ConnectionStringFor(dir_.path(), "pqtrack") +
             " password=s3cr3t-pw"});
    ASSERT_EQ(r.code, 0) << r.out;
    std::ifstream args(tools + "/args"), env(tools + "/env");
    const std::string argv_seen((std::istreambuf_iterator<char>(args)),
                                std::istreambuf_iterator<char>());
    const std::string env_seen((std::istreambuf_iterator<char>(env)),
                               std::istreambuf_iterator<char>());
    EXPECT_THAT(argv_seen, HasSubstr("--dbname="));
    EXPECT_THAT(argv_seen, HasSubstr("dbname='pqtrack'"));
    EXPECT_THAT(argv_seen, Not(HasSubstr("s3cr3t-pw")));
    EXPECT_THAT(env_seen, HasSubstr("PGPASSWORD=s3cr3t-pw\n"));
  }
  const auto state = [&] {
    std::string all = Run({"export", "--format", "jsonl"}).out;
    for (const char* id : {"1", "2"}) all += Run({"item", "history", id}).out;
    // The chain's length and head.
    return all + Run({"audit", "verify"}).out;
  };
  const std::string before = state();
  ASSERT_THAT(before, HasSubstr("Kiến nghị về tiền lương"));
  server_->Signal(SIGTERM);
  ASSERT_EQ(server_->Wait(), 0) << server_->output();

  // Not a backup; a database that is not empty (the original one).
  const std::string junk = dir_.path() + "/junk.backup";
  std::ofstream(junk) << "PGDMP but not really\n";
  r = server_cmd({"restore", junk, "--data-dir", dir_.path() + "/other"});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.out, HasSubstr("is not a pqtrack backup"));
  EXPECT_FALSE(std::filesystem::exists(dir_.path() + "/other/postgres"));
  r = server_cmd({"restore", file, "--data-dir", dir_.path()});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.out, HasSubstr("the database is not empty"));
  r = server_cmd({"restore", file, "extra", "--data-dir", dir_.path()});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.out, HasSubstr("restore takes one file"));

  const std::string restored = dir_.path() + "/restored";
  r = server_cmd({"restore", file, "--data-dir", restored});
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("2 items, "));
  EXPECT_THAT(r.out, HasSubstr("1 attachments; audit chain verified"));

  // The restored directory serves the same database to the same tokens.
  std::vector<std::string> argv = {PQTRACK_SERVER_BIN, "--listen",
                                   "127.0.0.1:0", "--data-dir", restored};
  if (OverTls()) {
    for (const std::string& f : TlsFlags(dir_.path())) argv.push_back(f);
  }
  server_ = std::make_unique<testing::Subprocess>(argv);
  const auto line = server_->WaitForLine("listening on ");
  ASSERT_TRUE(line) << server_->output();
  address_ = line->substr(line->find("listening on ") + 13);
  EXPECT_EQ(state(), before);
  r = Run({"audit", "verify"});
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("intact"));
  const std::string copy = dir_.path() + "/copy.pdf";
  r = RunAs(responder, {"item", "download", "2", "1", "-O", copy});
  ASSERT_EQ(r.code, 0) << r.out;
  std::ifstream in(copy, std::ios::binary);
  EXPECT_EQ(std::string((std::istreambuf_iterator<char>(in)),
                        std::istreambuf_iterator<char>()),
            pdf);
  // New writes continue the restored sequences and chain.
  r = Run({"item", "record", "document", "--sender", "UBND tỉnh Huế",
           "--number", "78/UBND", "--dated", "2024-10-03", "--received",
           "2024-10-04", "--title", "Sau khi khôi phục", "--lead", "TL"});
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("item 3 recorded"));
  r = Run({"audit", "verify"});
  EXPECT_EQ(r.code, 0) << r.out;
}

TEST_F(E2eTest, PetitionFromRecordingToSentAnswerThroughTheCli) {
  ASSERT_FALSE(StartServer().empty());
  SeedAssembly("2024-07-26");
  const std::string liaison = UserWithToken("lien.lac", "liaison", "");
  const std::string leader = UserWithToken("tl.lanhdao", "leader", "TL");
  const std::string responder =
      UserWithToken("tl.chuyenvien", "responder", "TL");
  const std::string coordinator =
      UserWithToken("ccvc.chuyenvien", "responder", "CCVC");

  Cli r = Run({"rule", "create", "--name", "Tiền lương", "--kind", "petition",
               "--word", "tien luong", "--lead", "TL", "--coord", "CCVC"});
  ASSERT_EQ(r.code, 0) << r.out;
  r = RunAs(liaison, {"rule", "preview", "--title", "Về TIỀN LƯƠNG"});
  EXPECT_THAT(r.out, HasSubstr("-> lead TL, coordinating CCVC"));

  r = RunAs(liaison,
            {"item", "record", "petition", "--batch", "1", "--delegation",
             "Hà Nội", "--field", "Tiền lương", "--received", "2024-07-26",
             "--title", "Sớm cải cách tiền lương"});
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("item 1 recorded (PETITION, ASSIGNED)"));
  EXPECT_THAT(r.out, HasSubstr("routed by rule 1 to TL with CCVC"));

  // A wrong title and a forgotten delegation are corrected, with a reason.
  r = RunAs(liaison, {"item", "update", "1", "--title",
                      "Sớm cải cách chính sách tiền lương", "--delegation",
                      "Hà Nội", "--delegation", "Nam Định", "--reason",
                      "Nhập thiếu đoàn Nam Định"});
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("item 1 corrected (title, "
                               "petition.delegations), version 2"));
  EXPECT_THAT(r.out, HasSubstr("delegations:    Hà Nội, Nam Định"));
  r = RunAs(liaison,
            {"item", "update", "1", "--number", "1/UBND", "--reason", "x"});
  EXPECT_NE(r.code, 0);
  EXPECT_THAT(r.out, HasSubstr("--number: is for a DOCUMENT; item 1 is a "
                               "PETITION"));

  const auto step = [&](const std::string& token, std::vector<std::string> args,
                        const std::string& expect) {
    Cli out = RunAs(token, std::move(args));
    EXPECT_EQ(out.code, 0) << out.out;
    EXPECT_THAT(out.out, HasSubstr(expect));
  };
  step(responder, {"item", "draft", "1", "--text", "Dự thảo lần 1"},
       "item 1: IN_PROGRESS");
  step(coordinator, {"item", "input", "1", "--text", "CCVC thống nhất"},
       "item 1: IN_PROGRESS");
  step(responder, {"item", "submit", "1"}, "item 1: PENDING_APPROVAL");
  r = RunAs(responder, {"item", "approve", "1"});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.out, HasSubstr("error: FAILED_PRECONDITION: item 1 is "
                               "PENDING_APPROVAL"));
  step(leader, {"item", "return", "1", "--comment", "Bổ sung lộ trình"},
       "item 1: IN_PROGRESS");
  step(responder, {"item", "draft", "1", "--text", "Dự thảo lần 2"},
       "item 1: IN_PROGRESS");
  step(responder, {"item", "submit", "1"}, "item 1: PENDING_APPROVAL");
  step(leader, {"item", "approve", "1"}, "item 1: PENDING_APPROVAL");
  // A stale version is refused.
  r = RunAs(responder, {"item", "draft", "1", "--version", "2", "--text", "x"});
  EXPECT_THAT(r.out, HasSubstr("error: ABORTED: item 1 is at version"));
  std::vector<std::string> send = {
      "item",       "send",          "1",
      "--document", "1234/BNV-TL",   "--signer",
      "Thứ trưởng", "--sent",        "2024-09-20",
      "--outcome",  "in-resolution", "--detail",
      "roadmap",    "--roadmap",     "Trình Chính phủ trong quý I/2025",
      "--expected", "2025-03-31"};
  // What the leader approved is what goes out: another text is refused.
  std::vector<std::string> other_text = send;
  other_text.insert(other_text.end(), {"--text", "Trả lời cử tri"});
  r = RunAs(responder, other_text);
  EXPECT_NE(r.code, 0);
  EXPECT_THAT(r.out, HasSubstr("FAILED_PRECONDITION: text: differs from "
                               "draft 2"));
  step(responder, send, "item 1: ANSWERED");
  r = RunAs(liaison, {"item", "get", "1"});
  EXPECT_THAT(r.out, HasSubstr("follow-up on:   2025-03-31"));
  EXPECT_THAT(r.out, HasSubstr("INPUT_SUBMITTED"));
  // The answer as sent, with the approved draft's text.
  EXPECT_THAT(r.out, HasSubstr("answer sent:"));
  EXPECT_THAT(r.out, HasSubstr("1234/BNV-TL"));
  EXPECT_THAT(r.out, HasSubstr("IN_RESOLUTION (ROADMAP)"));
  EXPECT_THAT(r.out, HasSubstr("\nDự thảo lần 2\n"));

  r = RunAs(liaison, {"item", "history", "1"});
  ASSERT_EQ(r.code, 0) << r.out;
  // Each instant carries its zone; the header claims none (it said UTC
  // over +07 times).
  EXPECT_THAT(r.out, Not(HasSubstr("(UTC)")));
  const std::vector<std::string> steps = {
      "lien.lac         RECORDED",    "lien.lac         CORRECTED",
      "tl.chuyenvien    DRAFT_SAVED", "ccvc.chuyenvien  COORDINATION_INPUT",
      "tl.chuyenvien    SUBMITTED",   "tl.lanhdao       RETURNED",
      "tl.chuyenvien    DRAFT_SAVED", "tl.chuyenvien    SUBMITTED",
      "tl.lanhdao       APPROVED",    "tl.chuyenvien    ANSWERED"};
  size_t at = 0;
  for (const std::string& s : steps) {
    const size_t found = r.out.find(s, at);
    ASSERT_NE(found, std::string::npos) << s << " in\n" << r.out;
    at = found;
  }
  EXPECT_THAT(r.out, HasSubstr("IN_RESOLUTION"));
  r = Run({"audit", "verify"});
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("audit chain intact"));
  r = RunAs(liaison, {"item", "search", "cai cach TIEN LUONG"});
  EXPECT_THAT(r.out, HasSubstr("Sớm cải cách chính sách tiền lương"));
}

// Reads `n` JSON alert lines from a running `pqtrack watch --json` and
// returns their ids.
// RecordItem of document w-i/UBND, received 2024-07-04, dated 2024-07-01.
v1::RecordItemRequest DocumentRequest(const std::string& request_id, int w,
                                      int i) {
  v1::RecordItemRequest req;
  req.set_request_id(request_id);
  v1::Item* it = req.mutable_item();
  it->set_kind(v1::ITEM_KIND_DOCUMENT);
  it->set_title(absl::StrCat("Công văn ", w, "-", i));
  it->mutable_received_on()->set_year(2024);
  it->mutable_received_on()->set_month(7);
  it->mutable_received_on()->set_day(4);
  v1::DocumentDetails* doc = it->mutable_document();
  doc->set_sender("UBND");
  doc->set_document_number(absl::StrCat(w, "-", i, "/UBND"));
  doc->mutable_document_date()->set_year(2024);
  doc->mutable_document_date()->set_month(7);
  doc->mutable_document_date()->set_day(1);
  return req;
}

std::vector<int64_t> ReadAlertIds(testing::Subprocess& watch, int n) {
  std::vector<int64_t> ids;
  while (static_cast<int>(ids.size()) < n) {
    const auto line = watch.WaitForLine("\"id\":");
    if (!line) break;
    const size_t at = line->find("\"id\":") + 5;  // ids are numbers
    ids.push_back(std::stoll(line->substr(at)));
  }
  return ids;
}

TEST_F(E2eTest, KilledServerLosesNoAlertAndRepeatsNoneForAResumingClient) {
  ASSERT_FALSE(StartServer().empty());
  ASSERT_EQ(
      Run({"unit", "import", PQTRACK_SOURCE_DIR "/data/moha-units.csv"}).code,
      0);
  // Documents whose whole ladder lies in the past: each raises ASSIGNED at
  // once and, at the scheduler's next round, its current level only
  // (ESCALATED; the earlier levels are skipped).
  const auto record = [&](int first, int n) {
    for (int i = first; i < first + n; ++i) {
      const Cli r = Run({"item", "record", "document", "--sender", "UBND",
                         "--number", absl::StrCat(i, "/UBND"), "--dated",
                         "2024-07-01", "--received", "2024-07-04", "--due",
                         "2024-09-04", "--lead", "TL", "--title", "Công văn"});
      EXPECT_EQ(r.code, 0) << r.out;
    }
  };
  record(1, 3);
  const std::string token = dir_.path() + "/admin.token";
  std::vector<int64_t> seen;
  {
    testing::Subprocess watch({PQTRACK_CLI_BIN, "--server", address_,
                               "--token-file", token, "watch", "--json"});
    seen = ReadAlertIds(watch, 6);
    ASSERT_EQ(seen.size(), 6u) << watch.output();
    // The server dies mid-stream.
    server_->Signal(SIGKILL);
    server_->Wait();
    watch.Signal(SIGTERM);
    watch.Wait();
  }
  ASSERT_FALSE(StartServer().empty());
  record(4, 3);
  testing::Subprocess resumed({PQTRACK_CLI_BIN, "--server", address_,
                               "--token-file", token, "watch", "--json",
                               "--after", std::to_string(seen.back())});
  const std::vector<int64_t> rest = ReadAlertIds(resumed, 6);
  ASSERT_EQ(rest.size(), 6u) << resumed.output();
  resumed.Signal(SIGTERM);
  resumed.Wait();

  std::vector<int64_t> all = seen;
  all.insert(all.end(), rest.begin(), rest.end());
  EXPECT_TRUE(std::is_sorted(all.begin(), all.end()));
  EXPECT_EQ(std::set<int64_t>(all.begin(), all.end()).size(), 12u);
  // Exactly what the server holds: nothing lost, nothing twice.
  Cli listed = Run({"-o", "json", "alerts", "list", "--limit", "1000"});
  size_t n = 0;
  for (size_t at = listed.out.find("\"item_id\""); at != std::string::npos;
       at = listed.out.find("\"item_id\"", at + 1)) {
    ++n;
  }
  EXPECT_EQ(n, 12u) << listed.out;
  server_->Signal(SIGTERM);
  server_->ReadToEnd();
  EXPECT_EQ(server_->Wait(), 0) << server_->output();
}

// Alerts that are all in the database before a client connects come as
// one replay of several messages on a new TCP connection. gRPC holds back a
// first message written with the buffer hint (and the stream's headers with
// it) until a later write flushes, and the stream only writes the next one
// once that write is done: the replay must still arrive.
TEST_F(E2eTest, AReplayOfSeveralAlertsArrivesOnAFreshConnection) {
  ASSERT_FALSE(StartServer().empty());
  ASSERT_EQ(
      Run({"unit", "import", PQTRACK_SOURCE_DIR "/data/moha-units.csv"}).code,
      0);
  // Each raises ASSIGNED at once and its current ladder level (ESCALATED)
  // at the scheduler's next round: eight alerts.
  for (int i = 1; i <= 4; ++i) {
    ASSERT_EQ(Run({"item", "record", "document", "--sender", "UBND", "--number",
                   absl::StrCat(i, "/UBND"), "--dated", "2024-07-01",
                   "--received", "2024-07-04", "--due", "2024-09-04", "--lead",
                   "TL", "--title", "Công văn"})
                  .code,
              0);
  }
  std::string token;
  std::ifstream(dir_.path() + "/admin.token") >> token;
  const auto watch = [&](int64_t after, size_t n) {
    // A channel of its own: a connection nothing else has written on.
    auto stub = v1::AlertService::NewStub(Channel());
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer " + token);
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::seconds(30));
    v1::WatchAlertsRequest req;
    req.set_after_cursor(after);
    auto reader = stub->WatchAlerts(&ctx, req);
    std::vector<int64_t> ids;
    v1::WatchAlertsResponse r;
    while (ids.size() < n && reader->Read(&r)) {
      if (r.has_alert()) ids.push_back(r.alert().id());
    }
    if (ids.size() < n) {
      ADD_FAILURE() << "after " << after << ": " << ids.size() << " of " << n
                    << " alerts, then " << reader->Finish().error_message();
    } else {
      ctx.TryCancel();
      while (reader->Read(&r)) {
      }
      reader->Finish();
    }
    return ids;
  };
  // Waits (on a live stream) until all eight are there.
  const std::vector<int64_t> all = watch(0, 8);
  ASSERT_EQ(all.size(), 8u);
  // Now each of these is a replay only.
  EXPECT_EQ(watch(0, 8), all);
  EXPECT_EQ(watch(all[5], 2), std::vector<int64_t>(all.begin() + 6, all.end()));
  server_->Signal(SIGTERM);
  server_->ReadToEnd();
  EXPECT_EQ(server_->Wait(), 0) << server_->output();
}

}  // namespace
}  // namespace pqtrack

namespace pqtrack {
namespace {

// Writers record while the scheduler fires, the server is killed (-9) and
// restarted halfway, and a watcher that reconnects with its last cursor must
// see every alert once, in order, with no gap (an unfiltered stream's
// cursors go up by one), and nothing the server does not hold.
TEST_F(E2eTest, KilledServerUnderConcurrentWritersLosesAndRepeatsNoAlert) {
  ASSERT_FALSE(StartServer().empty());
  ASSERT_EQ(
      Run({"unit", "import", PQTRACK_SOURCE_DIR "/data/moha-units.csv"}).code,
      0);
  std::string token;
  std::ifstream(dir_.path() + "/admin.token") >> token;
  auto channel = Channel();
  const auto call = [&](int seconds) {
    auto ctx = std::make_unique<grpc::ClientContext>();
    ctx->AddMetadata("authorization", "Bearer " + token);
    ctx->set_wait_for_ready(true);
    ctx->set_deadline(std::chrono::system_clock::now() +
                      std::chrono::seconds(seconds));
    return ctx;
  };

  absl::Mutex mu;
  std::vector<int64_t> seen;
  int gaps = 0, bad_heartbeats = 0, reconnects = 0;
  size_t target = SIZE_MAX;
  std::thread watcher([&] {
    auto stub = v1::AlertService::NewStub(channel);
    for (int attempt = 0; attempt < 20; ++attempt) {
      v1::WatchAlertsRequest req;
      {
        absl::MutexLock lock(&mu);
        if (seen.size() >= target) return;
        req.set_after_cursor(seen.empty() ? 0 : seen.back());
        if (attempt > 0) ++reconnects;
      }
      req.set_heartbeat_seconds(1);
      auto ctx = call(120);
      auto reader = stub->WatchAlerts(ctx.get(), req);
      v1::WatchAlertsResponse r;
      while (reader->Read(&r)) {
        absl::MutexLock lock(&mu);
        const int64_t last = seen.empty() ? 0 : seen.back();
        if (r.has_alert()) {
          if (r.alert().id() != last + 1) ++gaps;
          seen.push_back(r.alert().id());
        } else if (r.heartbeat().last_cursor() > last) {
          ++bad_heartbeats;
        }
        if (seen.size() >= target) {
          ctx->TryCancel();
          break;
        }
      }
      reader->Finish();
    }
  });

  constexpr int kWriters = 3, kEach = 30;
  std::atomic<int> recorded{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      auto stub = v1::ItemService::NewStub(channel);
      for (int i = 0; i < kEach; ++i) {
        v1::RecordItemRequest req =
            DocumentRequest(absl::StrCat("e2e-w", w, "-", i), w, i);
        v1::Item* it = req.mutable_item();
        it->set_lead_unit_code("TL");
        it->mutable_due_on()->set_year(2024);
        it->mutable_due_on()->set_month(9);
        it->mutable_due_on()->set_day(4);
        it->mutable_document()->set_requires_response(true);
        grpc::Status st;
        // A call cut by the kill is repeated with the same request id.
        for (int attempt = 0; attempt < 5; ++attempt) {
          v1::RecordItemResponse resp;
          st = stub->RecordItem(call(60).get(), req, &resp);
          if (st.error_code() != grpc::UNAVAILABLE) break;
        }
        EXPECT_TRUE(st.ok()) << st.error_message();
        ++recorded;
      }
    });
  }
  while (recorded < kWriters * kEach / 3) std::this_thread::yield();
  server_->Signal(SIGKILL);
  server_->Wait();
  ASSERT_FALSE(StartServer(address_).empty());
  for (std::thread& t : writers) t.join();

  // Every item has ASSIGNED and its current ladder level, ESCALATED (the
  // five before it had passed when it was recorded: skipped).
  constexpr size_t kTotal = kWriters * kEach * 2;
  {
    absl::MutexLock lock(&mu);
    target = kTotal;
    const auto done = [&]() ABSL_SHARED_LOCKS_REQUIRED(mu) {
      return seen.size() >= kTotal;
    };
    mu.AwaitWithTimeout(absl::Condition(&done), absl::Seconds(120));
  }
  watcher.join();
  absl::MutexLock lock(&mu);
  EXPECT_EQ(seen.size(), kTotal);
  EXPECT_EQ(gaps, 0);
  EXPECT_EQ(bad_heartbeats, 0);
  EXPECT_GE(reconnects, 1);
  EXPECT_EQ(std::set<int64_t>(seen.begin(), seen.end()).size(), seen.size());
  // The server holds exactly these.
  auto alerts = v1::AlertService::NewStub(channel);
  v1::ListAlertsRequest list;
  list.set_after_cursor(static_cast<int64_t>(kTotal));
  list.set_limit(10);
  v1::ListAlertsResponse listed;
  ASSERT_TRUE(alerts->ListAlerts(call(30).get(), list, &listed).ok());
  EXPECT_EQ(listed.alerts_size(), 0);
  v1::VerifyAuditChainResponse audit;
  auto admin = v1::AdminService::NewStub(channel);
  ASSERT_TRUE(admin->VerifyAuditChain(call(30).get(), {}, &audit).ok());
  EXPECT_TRUE(audit.intact()) << audit.problem();
  EXPECT_EQ(audit.events_checked(), kWriters * kEach);
  server_->Signal(SIGTERM);
  server_->ReadToEnd();
  EXPECT_EQ(server_->Wait(), 0) << server_->output();
}

// PostgreSQL failover (issue 15): a primary and a synchronous streaming
// standby (two clusters made here, each on its own Unix socket), the server
// on a multi-host URL with target_session_attrs=read-write. Writers record
// items; the primary is killed (immediate stop, as a crash); calls answer
// UNAVAILABLE; the standby is promoted; calls succeed again by themselves.
// Every write the server acknowledged is on the new primary.
TEST_F(E2eTest, FailoverToASynchronousStandbyLosesNoAcknowledgedWrite) {
  testing::TempDir a_dir, b_dir;
  server::EmbeddedPostgres::Options ao;
  ao.data_dir = a_dir.path();
  auto primary = server::EmbeddedPostgres::Start(ao);
  ASSERT_TRUE(primary.ok()) << primary.status();
  // The standby: a base backup of the primary, with standby.signal and
  // primary_conninfo (-R), made by the clusters' user.
  chmod(b_dir.path().c_str(), 0777);
  auto copied = (*primary)->RunTool(
      "pg_basebackup", {"-D", b_dir.path() + "/postgres", "-d",
                        (*primary)->ConnectionString("postgres"), "-R", "-X",
                        "stream", "-c", "fast"});
  ASSERT_TRUE(copied.ok()) << copied.status();
  ASSERT_EQ(copied->exit_code, 0) << copied->output;
  server::EmbeddedPostgres::Options bo;
  bo.data_dir = b_dir.path();
  auto standby = server::EmbeddedPostgres::Start(bo);
  ASSERT_TRUE(standby.ok()) << standby.status();
  // Synchronous from now on (set after the copy, so that the standby, once
  // promoted, does not wait for a standby of its own).
  {
    pqxx::connection c((*primary)->ConnectionString("postgres"));
    pqxx::nontransaction tx(c);
    tx.exec("ALTER SYSTEM SET synchronous_standby_names = '*'");
    tx.exec("SELECT pg_reload_conf()");
    // Until the standby is streaming and synchronous (a minute at most).
    const absl::Time give_up = absl::Now() + absl::Minutes(1);
    for (;;) {
      const pqxx::result r = tx.exec(
          "SELECT 1 FROM pg_stat_replication WHERE sync_state = 'sync'");
      if (!r.empty()) break;
      ASSERT_LT(absl::Now(), give_up) << "the standby never became synchronous";
      std::this_thread::yield();
    }
  }
  const std::string url = absl::StrCat(
      "postgresql://pqtrack@/pqtrack?host=", a_dir.path(), "/run,",
      b_dir.path(), "/run&port=5432,5432&target_session_attrs=read-write");
  std::vector<std::string> argv = {
      PQTRACK_SERVER_BIN, "--listen", "127.0.0.1:0", "--data-dir", dir_.path(),
      "--database-url",   url};
  if (OverTls()) {
    for (const std::string& f : TlsFlags(dir_.path())) argv.push_back(f);
  }
  server_ = std::make_unique<testing::Subprocess>(argv);
  const auto line = server_->WaitForLine("listening on ");
  ASSERT_TRUE(line) << server_->output();
  address_ = line->substr(line->find("listening on ") + 13);
  std::ifstream token_in(dir_.path() + "/admin.token");
  std::string token;
  std::getline(token_in, token);
  auto channel = Channel();

  std::mutex mu;
  std::vector<int64_t> acked;
  std::map<int, int> refused;  // by code
  std::atomic<int> acked_n{0}, refused_n{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> writers;
  for (int w = 0; w < 3; ++w) {
    writers.emplace_back([&, w] {
      auto stub = v1::ItemService::NewStub(channel);
      for (int i = 0; !stop; ++i) {
        const v1::RecordItemRequest req =
            DocumentRequest(absl::StrCat("failover-", w, "-", i), w, i);
        grpc::ClientContext ctx;
        ctx.AddMetadata("authorization", "Bearer " + token);
        ctx.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(30));
        v1::RecordItemResponse resp;
        const grpc::Status st = stub->RecordItem(&ctx, req, &resp);
        std::lock_guard<std::mutex> l(mu);
        if (st.ok()) {
          acked.push_back(resp.item().id());
          ++acked_n;
        } else {
          ++refused[st.error_code()];
          ++refused_n;
        }
      }
    });
  }
  while (acked_n < 30) std::this_thread::yield();
  ASSERT_TRUE((*primary)->Stop(/*immediate=*/true).ok());
  // The switch: calls are refused while no primary answers.
  while (refused_n < 3) std::this_thread::yield();
  ASSERT_TRUE((*standby)->Promote().ok());
  const int before = acked_n;
  while (acked_n < before + 30) std::this_thread::yield();
  stop = true;
  for (std::thread& t : writers) t.join();

  std::lock_guard<std::mutex> l(mu);
  // Every acknowledged item is on the new primary.
  pqxx::connection c((*standby)->ConnectionString());
  pqxx::nontransaction tx(c);
  std::string ids;
  for (int64_t id : acked) absl::StrAppend(&ids, ids.empty() ? "" : ",", id);
  const int64_t found =
      tx.exec1("SELECT count(*) FROM items WHERE id IN (" + ids + ")")[0]
          .as<int64_t>();
  EXPECT_EQ(found, static_cast<int64_t>(acked.size()))
      << "acknowledged writes lost in the failover";
  std::cout << acked.size() << " writes acknowledged (" << before
            << " before the promotion), all on the new primary; " << refused_n
            << " refused during the switch\n";
  EXPECT_EQ(std::set<int64_t>(acked.begin(), acked.end()).size(), acked.size());
  server_->Signal(SIGTERM);
  server_->ReadToEnd();
  EXPECT_EQ(server_->Wait(), 0) << server_->output();
  // Every refusal was UNAVAILABLE; any other comes with what the server
  // logged of its failures.
  std::string errors;
  for (absl::string_view line : absl::StrSplit(server_->output(), '\n')) {
    if (absl::StrContains(line, "\"level\":\"error\"")) {
      absl::StrAppend(&errors, line, "\n");
    }
  }
  for (const auto& [code, n] : refused) {
    EXPECT_EQ(code, grpc::StatusCode::UNAVAILABLE)
        << n << " call(s) refused with code " << code
        << "; the server's errors:\n"
        << errors;
  }
}

TEST_F(E2eTest, DeskTakesAnItemFromInboxToSentAnswer) {
  ASSERT_FALSE(StartServer().empty());
  SeedAssembly("2026-11-02");
  const std::string leader = UserWithToken("tl.lanhdao", "leader", "TL");
  const std::string responder =
      UserWithToken("tl.chuyenvien", "responder", "TL");
  const std::string coordinator =
      UserWithToken("ccvc.chuyenvien", "responder", "CCVC");
  const std::string stranger =
      UserWithToken("tccb.chuyenvien", "responder", "TCBC");
  Cli r = Run({"item", "record", "petition", "--batch", "1", "--delegation",
               "Hà Nội", "--field", "Tiền lương", "--received", "2026-11-02",
               "--title", "Sớm cải cách tiền lương", "--lead", "TL", "--coord",
               "CCVC"});
  ASSERT_EQ(r.code, 0) << r.out;

  r = Desk(responder, {"inbox"});
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("Sớm cải cách tiền lương"));
  EXPECT_THAT(r.out, HasSubstr("lead (TL)"));
  EXPECT_THAT(r.out, HasSubstr("2027-01-01"));  // 60 days after 2026-11-02
  EXPECT_THAT(r.out, Not(HasSubstr("\033[")));  // piped: no colour
  r = Desk(coordinator, {"--json", "inbox"});
  // JSON for jq: enums without their prefix, ids as numbers, dates as days.
  EXPECT_THAT(r.out, HasSubstr("\"role\": \"COORDINATING\""));
  EXPECT_THAT(r.out, HasSubstr("\"id\": 1,"));
  EXPECT_THAT(r.out, HasSubstr("\"due_on\": \"2027-01-01\""));
  r = Desk(stranger, {"inbox"});
  EXPECT_THAT(r.out, HasSubstr("nothing waits on your unit"));
  r = Desk(stranger, {"show", "1"});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.out, HasSubstr("NOT_FOUND"));

  const std::string draft = dir_.path() + "/draft.txt";
  std::ofstream(draft) << "Bộ Nội vụ trả lời như sau: ...\n";
  const auto step = [&](const std::string& token, std::vector<std::string> args,
                        const std::string& expect) {
    Cli out = Desk(token, std::move(args));
    EXPECT_EQ(out.code, 0) << out.out;
    EXPECT_THAT(out.out, HasSubstr(expect));
  };
  step(responder, {"draft", "1", "--file", draft}, "item 1: IN_PROGRESS");
  step(coordinator, {"input", "1", "--text", "CCVC thống nhất"},
       "item 1: IN_PROGRESS");
  r = Desk(coordinator, {"inbox"});
  EXPECT_THAT(r.out, HasSubstr("nothing waits on your unit"));
  step(responder, {"submit", "1"}, "item 1: PENDING_APPROVAL");
  r = Desk(responder, {"approve", "1"});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.out, HasSubstr("FAILED_PRECONDITION"));
  r = Desk(leader, {"inbox", "--awaiting-approval"});
  EXPECT_THAT(r.out, HasSubstr("Sớm cải cách tiền lương"));
  step(leader, {"return", "1", "--comment", "Bổ sung số liệu"},
       "item 1: IN_PROGRESS");
  r = Desk(responder, {"inbox", "--returned"});
  EXPECT_THAT(r.out, HasSubstr("IN_PROGRESS (returned)"));
  r = Desk(responder, {"inbox", "--awaiting-approval"});
  EXPECT_THAT(r.out, HasSubstr("nothing waits on your unit under these "
                               "filters"));
  step(responder, {"draft", "1", "--text", "Dự thảo lần 2"},
       "item 1: IN_PROGRESS");
  step(responder, {"submit", "1"}, "item 1: PENDING_APPROVAL");
  step(leader, {"approve", "1"}, "item 1: PENDING_APPROVAL");
  step(responder,
       {"send", "1", "--document", "99/BNV-TL", "--signer", "Thứ trưởng",
        "--sent", "2026-11-20", "--outcome", "explained", "--detail",
        "explanation"},
       "item 1: ANSWERED");

  r = Desk(leader, {"show", "1"});
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("+60 calendar days"));
  EXPECT_THAT(r.out, HasSubstr("CCVC thống nhất"));
  EXPECT_THAT(r.out, HasSubstr("-- draft 2 by tl.chuyenvien"));
  EXPECT_THAT(r.out, HasSubstr("RETURNED"));
  EXPECT_THAT(r.out, HasSubstr("ANSWERED"));
  EXPECT_THAT(r.out, HasSubstr("answer sent:"));
  EXPECT_THAT(r.out, HasSubstr("99/BNV-TL"));
  r = Desk(leader, {"--json", "show", "1"});
  EXPECT_THAT(r.out, HasSubstr("\"deadline\":{"));
  r = Desk(responder, {"inbox"});
  EXPECT_THAT(r.out, HasSubstr("nothing waits on your unit"));
}

// A liaison officer's first week, as the README walks it: record a
// document and correct it, import a batch and route it in one command,
// find the document by its number, answer it, and see the answer sent.
TEST_F(E2eTest, ALiaisonOfficersFirstWeek) {
  ASSERT_FALSE(StartServer().empty());
  SeedAssembly("2026-11-20");
  const std::string liaison = UserWithToken("lien.lac", "liaison", "");
  const std::string leader = UserWithToken("tl.lanhdao", "leader", "TL");
  const std::string responder =
      UserWithToken("tl.chuyenvien", "responder", "TL");

  Cli r = RunAs(liaison, {"item", "record", "document", "--sender",
                          "UBND tỉnh Nam Định", "--number", "312/UBND-NV",
                          "--dated", "2026-11-18", "--received", "2026-11-20",
                          "--lead", "TL", "--title", "Về phụ cấp công vụ"});
  ASSERT_EQ(r.code, 0) << r.out;
  r = RunAs(liaison, {"item", "update", "1", "--number", "321/UBND-NV",
                      "--reason", "Nhập nhầm số công văn"});
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("item 1 corrected (document.document_number)"));

  // 30 petitions of a batch, imported before any rule existed: in triage.
  const std::string csv = dir_.path() + "/batch.csv";
  {
    std::ofstream out(csv);
    out << "title,received_on,batch_id,delegations,field\n";
    for (int i = 0; i < 30; ++i) {
      out << (i % 3 == 0 ? "Đất đai ở xã " : "Tiền lương giáo viên ") << i
          << ",2026-11-20,1,Huế,Chính sách\n";
    }
  }
  r = RunAs(liaison,
            {"import", csv, "--kind", "petition", "--progress", "always"});
  ASSERT_EQ(r.code, 0) << r.out;
  // A bar for each phase, the checking one too.
  for (const char* phase :
       {"sending ", "reading rows [", "checking rows [", "writing items ["}) {
    EXPECT_THAT(r.out, HasSubstr(phase)) << phase;
  }
  EXPECT_THAT(r.out, HasSubstr("checking rows [##############################] "
                               "100%"));
  EXPECT_THAT(r.out, HasSubstr("30 rows read, 30 items imported"));
  Run({"rule", "create", "--name", "Tiền lương", "--kind", "petition", "--word",
       "tien luong", "--lead", "TL", "--coord", "CCVC"});
  r = RunAs(liaison, {"item", "route", "--batch", "1", "--dry-run"});
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("dry run, nothing changed: would route 20, "
                               "no rule 10, refused 0"));
  EXPECT_THAT(r.out, HasSubstr("rule 1 \"Tiền lương\""));
  r = RunAs(liaison, {"item", "route", "--batch", "1"});
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("routed 20, no rule 10, refused 0"));
  r = RunAs(liaison, {"item", "route", "--batch", "1"});  // safe to repeat
  EXPECT_THAT(r.out, HasSubstr("routed 0, no rule 10, refused 0"));

  r = RunAs(liaison, {"item", "search", "321/UBND-NV"});
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("= 321/UBND-NV"));
  EXPECT_THAT(r.out, HasSubstr("Về phụ cấp công vụ"));

  const auto step = [&](const std::string& token, std::vector<std::string> a,
                        const std::string& expect) {
    const Cli out = RunAs(token, std::move(a));
    EXPECT_EQ(out.code, 0) << out.out;
    EXPECT_THAT(out.out, HasSubstr(expect));
  };
  step(responder, {"item", "draft", "1", "--text", "Bộ Nội vụ trả lời"},
       "IN_PROGRESS");
  step(responder, {"item", "submit", "1"}, "PENDING_APPROVAL");
  step(leader, {"item", "approve", "1"}, "PENDING_APPROVAL");
  step(responder,
       {"item", "send", "1", "--document", "88/BNV-TL", "--signer", "Vụ trưởng",
        "--sent", "2026-11-25", "--outcome", "explained", "--detail",
        "explanation"},
       "ANSWERED");
  r = RunAs(liaison, {"item", "get", "1"});
  EXPECT_THAT(r.out, HasSubstr("answer sent:"));
  EXPECT_THAT(r.out, HasSubstr("88/BNV-TL"));
  EXPECT_THAT(r.out, HasSubstr("EXPLAINED (EXPLANATION)"));
  EXPECT_THAT(r.out, HasSubstr("\nBộ Nội vụ trả lời\n"));
  r = RunAs(liaison, {"item", "history", "1"});
  EXPECT_THAT(r.out, HasSubstr("CORRECTED"));
}

TEST_F(E2eTest, ImportRefusesABadFileWholeAndExportReimports) {
  ASSERT_FALSE(StartServer().empty());
  SeedAssembly("2024-07-26");
  const std::string bad = dir_.path() + "/bad.csv";
  std::ofstream(bad) << "title,received_on,batch_id,delegations,field,"
                        "lead_unit_code\n"
                        "Một,2024-07-26,1,Huế,Tiền lương,TL\n"
                        "Hai,2024-07-32,1,Huế,Tiền lương,TL\n"
                        "Ba,2024-07-26,1,Huế,Tiền lương,NOPE\n";
  Cli r = Run({"import", bad, "--kind", "petition"});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.out, HasSubstr("3     received_on"));
  EXPECT_THAT(r.out, HasSubstr("4     lead_unit_code"));
  EXPECT_THAT(r.out, HasSubstr("nothing written"));
  r = Run({"item", "list"});
  EXPECT_THAT(r.out, Not(HasSubstr("Một")));

  r = Run({"import", bad, "--kind", "petition", "--skip-invalid"});
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("3 rows read, 1 items imported"));

  const std::string out = dir_.path() + "/export.csv";
  r = Run({"export", "--kind", "petition", "--out", out});
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("exported 1 items"));
  r = Run({"import", out, "--kind", "petition"});
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("1 rows read, 1 items imported"));
  r = Run({"export", "--format", "jsonl", "--kind", "petition"});
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 2) << r.out;

  // The two petitions in the report of their month, in both languages.
  r = Run({"report", "period", "--month", "2024-07", "--as-of", "2024-11-02",
           "--format", "text-en"});
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("Of the 2 voters' petitions sent before and "
                               "after the 7th session"));
  r = Run({"report", "period", "--month", "2024-07", "--format", "text-vi",
           "--as-of", "2099-01-01"});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.out, HasSubstr("INVALID_ARGUMENT: as_of: must not be after "
                               "today"));
  const std::string html = dir_.path() + "/report.html";
  r = Run({"report", "period", "--month", "2024-07", "--format", "html",
           "--out", html});
  EXPECT_EQ(r.code, 0) << r.out;
  std::ifstream page(html);
  std::string first;
  std::getline(page, first);
  EXPECT_EQ(first, "<!DOCTYPE html>");
}

}  // namespace
}  // namespace pqtrack

namespace pqtrack {
namespace {

// The alert ids in a sink's accepted requests ("pqtrack-alert-12" -> 12).
std::vector<int64_t> AlertIds(const std::vector<testing::HttpSink::Request>& r,
                              size_t from = 0) {
  std::vector<int64_t> ids;
  for (size_t i = from; i < r.size(); ++i) {
    ids.push_back(std::stoll(r[i].idempotency_key.substr(14)));
  }
  return ids;
}

class NotifyTest : public E2eTest {
 protected:
  // `top`: more top-level keys.
  void WriteConfig(const std::string& path, const std::string& routes,
                   const std::string& top = "") {
    std::ofstream(path) << top << "server = \"" << address_ << "\"\n"
                        << "token_file = \"" << service_ << "\"\n"
                        << "subscriber = \"notifier-main\"\n"
                        << "dead_letter = \"dead.jsonl\"\n"
                        << "state_dir = \"state\"\n"
                        << "max_attempts = 3\n"
                        << "initial_backoff_ms = 10\n"
                        << "max_backoff_ms = 40\n"
                        << "[smtp]\nurl = \"" << smtp_.url() << "\"\n"
                        << "from = \"pqtrack@bnv.gov.vn\"\n"
                        << "[digest]\nhour = 0\n"
                        << routes;
  }

  void RecordPetition(const std::string& title) {
    Cli r = Run({"item", "record", "petition", "--batch", "1", "--delegation",
                 "Huế", "--field", "Tiền lương", "--received", "2026-11-02",
                 "--title", title, "--lead", "TL"});
    ASSERT_EQ(r.code, 0) << r.out;
  }

  int64_t AckedCursor() {
    v1::AlertService::Stub stub(Channel());
    std::ifstream in(service_);
    std::string token;
    std::getline(in, token);
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer " + token);
    v1::ListAlertsRequest req;
    req.set_subscriber("notifier-main");
    v1::ListAlertsResponse resp;
    EXPECT_TRUE(stub.ListAlerts(&ctx, req, &resp).ok());
    return resp.acked_cursor();
  }

  testing::HttpSink hook_;
  testing::SmtpSink smtp_;
  std::string service_;
};

// Over TLS end to end: the CLI (through PQTRACK_TLS_CA) records, and the
// notifier (tls_* in its configuration, with a client certificate)
// delivers the alert.
TEST_F(NotifyTest, DeliversOverTls) {
  const std::string d = dir_.path();
  MakeCertificates(d);
  ASSERT_FALSE(StartServer("127.0.0.1:0", TlsFlags(d)).empty());
  ScopedEnv ca("PQTRACK_TLS_CA", d + "/ca.pem");
  SeedAssembly("2026-11-02");
  service_ = UserWithToken("notifier", "service", "");
  RecordPetition("Một");
  const std::string config = d + "/notify.toml";
  WriteConfig(
      config,
      "[[route]]\nunits = [\"TL\"]\nwebhook = \"" + hook_.url() + "\"\n",
      "tls_ca = \"ca.pem\"\ntls_cert = \"client.pem\"\n"
      "tls_key = \"client.key\"\n");
  auto run = server::RunProcess(
      {PQTRACK_NOTIFY_BIN, "--config", config, "--once"}, std::nullopt);
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->exit_code, 0) << run->output;
  EXPECT_EQ(AlertIds(hook_.accepted()), (std::vector<int64_t>{1}));
  server_->Signal(SIGTERM);
  server_->ReadToEnd();
  server_->Wait();
}

TEST_F(NotifyTest, DeliversEveryAlertThroughAFailingReceiverAndRestarts) {
  ASSERT_FALSE(StartServer().empty());
  SeedAssembly("2026-11-02");
  service_ = UserWithToken("notifier", "service", "");
  for (const char* t : {"Một", "Hai", "Ba"}) RecordPetition(t);  // alerts 1-3

  testing::HttpSink broken;
  broken.Fail(-1, 500);
  hook_.Fail(2, 503);  // the receiver is down for a while
  const std::string config = dir_.path() + "/notify.toml";
  WriteConfig(config, "[[route]]\nunits = [\"BNV\"]\nwebhook = \"" +
                          hook_.url() +
                          "\"\nemail = [\"vu.tl@bnv.gov.vn\"]\n"
                          "[[route]]\nkinds = [\"ASSIGNED\"]\nwebhook = \"" +
                          broken.url() +
                          "\"\n"
                          "[[route]]\nunits = [\"TL\"]\nemail = "
                          "[\"lanhdao.tl@bnv.gov.vn\"]\ndigest = true\n"
                          "[[route]]\nunits = [\"CCVC\"]\nwebhook = \"" +
                          broken.url() + "\"\n");
  auto run = server::RunProcess(
      {PQTRACK_NOTIFY_BIN, "--config", config, "--once"}, std::nullopt);
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->exit_code, 0) << run->output;
  EXPECT_EQ(AlertIds(hook_.accepted()), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(hook_.attempts(), 5);  // two failures, retried
  EXPECT_THAT(run->output, HasSubstr("attempt 1 of 3 failed: HTTP status 503"));
  // The notifier's log: JSON lines with the alert's fields.
  EXPECT_THAT(run->output,
              HasSubstr("\"level\":\"warning\",\"msg\":\"alert 1 to webhook "));
  EXPECT_THAT(run->output,
              HasSubstr("\"alert_id\":1,\"kind\":\"ASSIGNED\",\"item_id\":1"));
  for (absl::string_view l :
       absl::StrSplit(run->output, '\n', absl::SkipEmpty())) {
    EXPECT_EQ(l.front(), '{') << l;
    EXPECT_EQ(l.back(), '}') << l;
  }
  // Per alert: one e-mail; then one digest of the three.
  const auto mails = smtp_.messages();
  ASSERT_EQ(mails.size(), 4u) << run->output;
  EXPECT_THAT(mails[0], HasSubstr("Message-ID: <pqtrack-alert-1@pqtrack>"));
  // In Vietnamese unless the configuration says otherwise.
  EXPECT_THAT(mails[3], HasSubstr("Được giao: hồ sơ số 3 (TL)"));
  // The broken receiver: retried, then dead-lettered with the reason.
  EXPECT_EQ(broken.attempts(), 9);
  std::ifstream dead(dir_.path() + "/dead.jsonl");
  std::string line;
  int dead_lines = 0;
  while (std::getline(dead, line)) {
    ++dead_lines;
    EXPECT_THAT(line, HasSubstr("\"reason\":\"HTTP status 500\""));
  }
  EXPECT_EQ(dead_lines, 3);
  EXPECT_EQ(AckedCursor(), 3);
  // The receiver is back: the dead letters are sent again, and leave the
  // file.
  broken.Fail(0, 500);
  run = server::RunProcess({PQTRACK_NOTIFY_BIN, "--config", config, "redrive"},
                           std::nullopt);
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->exit_code, 0) << run->output;
  EXPECT_THAT(run->output, HasSubstr("redrive: 3 sent, 0 left"));
  EXPECT_EQ(AlertIds(broken.accepted()), (std::vector<int64_t>{1, 2, 3}));
  std::ifstream emptied(dir_.path() + "/dead.jsonl");
  EXPECT_FALSE(std::getline(emptied, line));

  // Only the working receiver from here on.
  WriteConfig(config, "[[route]]\nwebhook = \"" + hook_.url() + "\"\n");
  for (const char* t : {"Bốn", "Năm", "Sáu"}) RecordPetition(t);  // 4-6
  {
    testing::Subprocess daemon({PQTRACK_NOTIFY_BIN, "--config", config});
    ASSERT_TRUE(hook_.WaitForAccepted(4, absl::Seconds(60)));
    daemon.Signal(SIGKILL);  // mid-stream: 5 and 6 may be on their way
    daemon.Wait();
  }
  const int64_t acked = AckedCursor();
  const size_t before = hook_.accepted().size();
  RecordPetition("Bảy");  // 7
  run = server::RunProcess({PQTRACK_NOTIFY_BIN, "--config", config, "--once"},
                           std::nullopt);
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->exit_code, 0) << run->output;
  // It resumes after what was acknowledged: at least `acked` (an Ack sent
  // just before the kill may land after it was read).
  constexpr std::string_view kResuming = "resuming after alert ";
  const size_t at = run->output.find(kResuming);
  ASSERT_NE(at, std::string::npos) << run->output;
  const size_t digits = at + kResuming.size();
  int64_t resumed = -1;
  ASSERT_TRUE(absl::SimpleAtoi(
      run->output.substr(
          digits, run->output.find_first_not_of("0123456789", digits) - digits),
      &resumed))
      << run->output;
  EXPECT_GE(resumed, acked);
  // Nothing acknowledged is sent again; nothing is lost.
  for (int64_t id : AlertIds(hook_.accepted(), before)) EXPECT_GT(id, resumed);
  std::set<int64_t> all;
  for (int64_t id : AlertIds(hook_.accepted())) all.insert(id);
  EXPECT_EQ(all, (std::set<int64_t>{1, 2, 3, 4, 5, 6, 7}));
  EXPECT_EQ(AckedCursor(), 7);
}

}  // namespace
}  // namespace pqtrack

namespace pqtrack {
namespace {

// A route naming a unit the server does not know is a configuration error
// at start; --once gives up on a server it cannot reach, with exit 1.
TEST_F(NotifyTest, RefusesAnUnknownUnitAndGivesUpOnceUnreachable) {
  ASSERT_FALSE(StartServer().empty());
  SeedAssembly("2026-11-02");
  service_ = UserWithToken("notifier", "service", "");
  const std::string config = dir_.path() + "/notify.toml";
  WriteConfig(config, "[[route]]\nunits = [\"NOPE\"]\nwebhook = \"" +
                          hook_.url() + "\"\n");
  testing::Subprocess bad({PQTRACK_NOTIFY_BIN, "--config", config, "--once"});
  bad.ReadToEnd();
  EXPECT_EQ(bad.Wait(), 2);
  EXPECT_THAT(bad.output(), HasSubstr("route 1 names unit NOPE, which the "
                                      "server does not know"));
  EXPECT_THAT(bad.output(), HasSubstr("\"route\":1,\"unit\":\"NOPE\""));

  WriteConfig(config, "[[route]]\nwebhook = \"" + hook_.url() + "\"\n");
  server_->Signal(SIGTERM);
  server_->ReadToEnd();
  server_->Wait();
  testing::Subprocess away({PQTRACK_NOTIFY_BIN, "--config", config, "--once"});
  away.ReadToEnd();
  EXPECT_EQ(away.Wait(), 1);
  EXPECT_THAT(away.output(), HasSubstr("giving up after 5 attempts"));
}

// One slow receiver holds back only its own alerts: the others are
// delivered meanwhile, and the acknowledgement waits for the slowest.
TEST_F(NotifyTest, ASlowReceiverDoesNotHoldTheOthers) {
  ASSERT_FALSE(StartServer().empty());
  SeedAssembly("2026-11-02");
  service_ = UserWithToken("notifier", "service", "");
  for (const char* t : {"Một", "Hai", "Ba"}) RecordPetition(t);  // alerts 1-3
  testing::HttpSink slow;
  slow.Hold(true);
  const std::string config = dir_.path() + "/notify.toml";
  WriteConfig(config,
              "[[route]]\nwebhook = \"" + slow.url() +
                  "\"\n[[route]]\nwebhook = \"" + hook_.url() +
                  "\"\nemail = [\"vu.tl@bnv.gov.vn\"]\n",
              "timeout_seconds = 600\n");
  testing::Subprocess daemon(
      {PQTRACK_NOTIFY_BIN, "--config", config, "--once"});
  ASSERT_TRUE(hook_.WaitForAccepted(3, absl::Seconds(60))) << daemon.output();
  ASSERT_TRUE(smtp_.WaitForMessages(3, absl::Seconds(60)));
  EXPECT_TRUE(slow.accepted().empty());
  EXPECT_EQ(AckedCursor(), 0);  // alert 1 is still on its way to `slow`
  slow.Hold(false);
  daemon.ReadToEnd();
  EXPECT_EQ(daemon.Wait(), 0) << daemon.output();
  EXPECT_EQ(AlertIds(slow.accepted()), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(AlertIds(hook_.accepted()), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(AckedCursor(), 3);
}

TEST_F(NotifyTest, ReconnectsWhenTheServerComesBack) {
  ASSERT_FALSE(StartServer().empty());
  SeedAssembly("2026-11-02");
  service_ = UserWithToken("notifier", "service", "");
  RecordPetition("Một");  // alert 1
  const std::string config = dir_.path() + "/notify.toml";
  WriteConfig(config, "[[route]]\nwebhook = \"" + hook_.url() + "\"\n");
  testing::Subprocess daemon({PQTRACK_NOTIFY_BIN, "--config", config});
  ASSERT_TRUE(hook_.WaitForAccepted(1, absl::Seconds(60)));

  const std::string address = address_;
  server_->Signal(SIGKILL);
  server_->Wait();
  ASSERT_EQ(StartServer(address), address);
  RecordPetition("Hai");  // alert 2, fired while the notifier reconnects
  ASSERT_TRUE(hook_.WaitForAccepted(2, absl::Seconds(60))) << daemon.output();
  daemon.Signal(SIGTERM);
  daemon.ReadToEnd();
  EXPECT_EQ(daemon.Wait(), 0);
  EXPECT_THAT(daemon.output(), HasSubstr("reconnecting after alert 1"));
  EXPECT_EQ(AlertIds(hook_.accepted()), (std::vector<int64_t>{1, 2}));
}

}  // namespace
}  // namespace pqtrack
