// Signing in with a password: hashes only, sessions that expire and end at
// logout, the same answer for a wrong name and a wrong password, and wrong
// passwords slowed down (time from the fake clock).
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/api/convert.h"
#include "services/core/login.h"
#include "tests/db/api_fixture.h"

namespace pqtrack::api {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kPassword[] = "Mật khẩu đủ dài 2024";

class LoginTest : public ApiFixture {
 protected:
  void SetUp() override {
    ApiFixture::SetUp();
    Seed();
    responder_ = UserToken("tl.nguyen", v1::ROLE_RESPONDER, "TL");
    other_ = UserToken("ccvc.tran", v1::ROLE_RESPONDER, "CCVC");
  }

  grpc::Status SetPassword(const std::string& token, const std::string& login,
                           const std::string& password,
                           const std::string& current = "") {
    v1::SetPasswordRequest req;
    req.set_user_login(login);
    req.set_password(password);
    req.set_current_password(current);
    v1::SetPasswordResponse resp;
    return admin_->SetPassword(As(token).get(), req, &resp);
  }

  grpc::Status Login(const std::string& login, const std::string& password,
                     v1::LoginResponse* out = nullptr) {
    v1::LoginRequest req;
    req.set_user_login(login);
    req.set_password(password);
    v1::LoginResponse resp;
    const grpc::Status st = admin_->Login(As("").get(), req, &resp);
    if (out != nullptr) *out = resp;
    return st;
  }

  std::string StoredHash(const std::string& login) {
    std::string hash;
    EXPECT_TRUE(db_->Transact([&](store::Tx& tx) -> absl::Status {
                     const pqxx::result r = tx.ExecScript(
                         "SELECT coalesce(password_hash, '') FROM users"
                         " WHERE login = '" +
                         login + "'");
                     hash = r[0][0].c_str();
                     return absl::OkStatus();
                   })
                    .ok());
    return hash;
  }

  std::string responder_, other_;
};

TEST_F(LoginTest, ASessionFromAPasswordExpiresAndEndsAtLogout) {
  EXPECT_EQ(Login("tl.nguyen", kPassword).error_code(),
            grpc::UNAUTHENTICATED);  // no password yet
  ASSERT_TRUE(SetPassword(kAdmin, "tl.nguyen", kPassword).ok());
  const std::string hash = StoredHash("tl.nguyen");
  EXPECT_THAT(hash, StartsWith("$argon2id$"));
  EXPECT_THAT(hash, ::testing::Not(HasSubstr("2024")));

  v1::LoginResponse session;
  ASSERT_TRUE(Login("tl.nguyen", kPassword, &session).ok());
  EXPECT_EQ(session.user().login(), "tl.nguyen");
  EXPECT_EQ(session.user().unit_code(), "TL");
  EXPECT_EQ(session.token().label(), "sign-in");
  EXPECT_EQ(TimeFromProto(session.token().expire_time()),
            clock_.Now() + absl::Hours(12));
  v1::WhoAmIResponse who;
  ASSERT_TRUE(admin_->WhoAmI(As(session.secret()).get(), {}, &who).ok());
  EXPECT_EQ(who.user().login(), "tl.nguyen");
  EXPECT_EQ(who.token_id(), session.token().id());

  v1::LogoutResponse out;
  ASSERT_TRUE(admin_->Logout(As(session.secret()).get(), {}, &out).ok());
  EXPECT_EQ(out.token().id(), session.token().id());
  EXPECT_EQ(admin_->WhoAmI(As(session.secret()).get(), {}, &who).error_code(),
            grpc::UNAUTHENTICATED);
  // The responder's other token is untouched.
  EXPECT_TRUE(admin_->WhoAmI(As(responder_).get(), {}, &who).ok());

  // A session runs out.
  ASSERT_TRUE(Login("tl.nguyen", kPassword, &session).ok());
  clock_.Advance(absl::Hours(12) + absl::Seconds(1));
  EXPECT_EQ(admin_->WhoAmI(As(session.secret()).get(), {}, &who).error_code(),
            grpc::UNAUTHENTICATED);
}

TEST_F(LoginTest, WrongNamesAndPasswordsLookAlikeAndAreSlowedDown) {
  ASSERT_TRUE(SetPassword(kAdmin, "tl.nguyen", kPassword).ok());
  const grpc::Status unknown = Login("nobody", kPassword);
  EXPECT_EQ(unknown.error_code(), grpc::UNAUTHENTICATED);
  for (int i = 1; i <= 4; ++i) {
    const grpc::Status wrong = Login("tl.nguyen", "not the password");
    EXPECT_EQ(wrong.error_code(), grpc::UNAUTHENTICATED) << i;
    EXPECT_EQ(wrong.error_message(), unknown.error_message()) << i;
  }
  // Four wrong in a row: the next attempt, even with the right password,
  // waits 2 s.
  const grpc::Status blocked = Login("tl.nguyen", kPassword);
  EXPECT_EQ(blocked.error_code(), grpc::RESOURCE_EXHAUSTED);
  EXPECT_THAT(blocked.error_message(), HasSubstr("try again in 2 s"));
  clock_.Advance(absl::Seconds(2));
  EXPECT_EQ(Login("tl.nguyen", "not the password").error_code(),
            grpc::UNAUTHENTICATED);
  EXPECT_THAT(Login("tl.nguyen", kPassword).error_message(),
              HasSubstr("try again in 4 s"));
  clock_.Advance(absl::Seconds(4));
  ASSERT_TRUE(Login("tl.nguyen", kPassword).ok());
  // The right password reset the count.
  EXPECT_EQ(Login("tl.nguyen", "not the password").error_code(),
            grpc::UNAUTHENTICATED);
  EXPECT_TRUE(Login("tl.nguyen", kPassword).ok());
}

TEST_F(LoginTest, ParallelWrongPasswordsCannotRacePastTheSlowdown) {
  ASSERT_TRUE(SetPassword(kAdmin, "tl.nguyen", kPassword).ok());
  // Eight guesses at once: the attempts on one user take turns, so only
  // the free ones and the first blocked-causing one are checked.
  constexpr int kGuesses = 8;
  std::vector<grpc::StatusCode> codes(kGuesses);
  std::vector<std::thread> threads;
  for (int i = 0; i < kGuesses; ++i) {
    threads.emplace_back([&, i] {
      codes[i] =
          Login("tl.nguyen", absl::StrCat("đoán sai lần ", i)).error_code();
    });
  }
  for (std::thread& t : threads) t.join();
  int checked = 0, refused = 0;
  for (grpc::StatusCode c : codes) {
    if (c == grpc::UNAUTHENTICATED) ++checked;
    if (c == grpc::RESOURCE_EXHAUSTED) ++refused;
  }
  EXPECT_EQ(checked, core::kFreeLoginFailures + 1);
  EXPECT_EQ(refused, kGuesses - checked);
}

TEST_F(LoginTest, WhoMaySetWhichPassword) {
  const grpc::Status short_one = SetPassword(kAdmin, "tl.nguyen", "ngắn");
  EXPECT_EQ(short_one.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(short_one.error_message(), HasSubstr("password"));
  EXPECT_THAT(short_one.error_message(), ::testing::Not(HasSubstr("ngắn")));
  EXPECT_EQ(SetPassword(kAdmin, "tl.nguyen", "          ").error_code(),
            grpc::INVALID_ARGUMENT);
  EXPECT_EQ(SetPassword(kAdmin, "nobody", kPassword).error_code(),
            grpc::NOT_FOUND);
  EXPECT_EQ(SetPassword(other_, "tl.nguyen", kPassword).error_code(),
            grpc::PERMISSION_DENIED);
  // A user's first password needs only the token; changing it needs the
  // current one.
  ASSERT_TRUE(SetPassword(responder_, "", kPassword).ok());
  EXPECT_EQ(SetPassword(responder_, "", "Mật khẩu mới dài hơn").error_code(),
            grpc::PERMISSION_DENIED);
  EXPECT_EQ(SetPassword(responder_, "tl.nguyen", "Mật khẩu mới dài hơn",
                        "sai mật khẩu cũ")
                .error_code(),
            grpc::PERMISSION_DENIED);
  ASSERT_TRUE(
      SetPassword(responder_, "tl.nguyen", "Mật khẩu mới dài hơn", kPassword)
          .ok());
  EXPECT_EQ(Login("tl.nguyen", kPassword).error_code(), grpc::UNAUTHENTICATED);
  EXPECT_TRUE(Login("tl.nguyen", "Mật khẩu mới dài hơn").ok());
  // An admin resets it without the current one.
  ASSERT_TRUE(SetPassword(kAdmin, "tl.nguyen", kPassword).ok());
  EXPECT_TRUE(Login("tl.nguyen", kPassword).ok());
}

TEST_F(LoginTest, BadSignInRequestsNameTheField) {
  v1::LoginRequest req;
  v1::LoginResponse resp;
  grpc::Status st = admin_->Login(As("").get(), req, &resp);
  EXPECT_EQ(st.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(st.error_message(), HasSubstr("user_login"));
  EXPECT_THAT(st.error_message(), HasSubstr("password"));
  req.set_user_login("tl.nguyen");
  req.set_password(kPassword);
  req.set_session_seconds(-1);
  st = admin_->Login(As("").get(), req, &resp);
  EXPECT_EQ(st.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(st.error_message(), HasSubstr("session_seconds"));
  req.set_session_seconds(int64_t{1} << 62);
  EXPECT_EQ(admin_->Login(As("").get(), req, &resp).error_code(),
            grpc::INVALID_ARGUMENT);
  req.set_session_seconds(0);
  req.set_password(std::string(300, 'x'));
  EXPECT_EQ(admin_->Login(As("").get(), req, &resp).error_code(),
            grpc::INVALID_ARGUMENT);
}

}  // namespace
}  // namespace pqtrack::api
