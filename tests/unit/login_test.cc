// The sign-in rules (core/login.h) and the password hash (crypto.h).
#include "services/core/login.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/crypto.h"

namespace pqtrack::core {
namespace {

TEST(LoginDelayTest, FreeAttemptsThenDoublingUpToFifteenMinutes) {
  for (int n = 0; n <= 3; ++n) EXPECT_EQ(LoginDelay(n), absl::ZeroDuration());
  EXPECT_EQ(LoginDelay(4), absl::Seconds(2));
  EXPECT_EQ(LoginDelay(5), absl::Seconds(4));
  EXPECT_EQ(LoginDelay(12), absl::Seconds(512));
  EXPECT_EQ(LoginDelay(13), absl::Minutes(15));
  EXPECT_EQ(LoginDelay(1000000), absl::Minutes(15));
}

TEST(NewPasswordTest, LengthAndNotOnlySpaces) {
  const auto check = [](const std::string& p) {
    Violations v;
    CheckNewPassword(v, "password", p);
    return v.ToStatus();
  };
  EXPECT_TRUE(check("mười ký tự").ok());  // 10 characters, 14 bytes
  EXPECT_FALSE(check("chín ký t").ok());
  EXPECT_FALSE(check(std::string(201, 'a')).ok());
  EXPECT_TRUE(check(std::string(200, 'a')).ok());
  EXPECT_FALSE(check("            ").ok());
  EXPECT_FALSE(check("bad\xff utf-8 text").ok());
}

TEST(PasswordHashTest, Argon2idWithSaltVerifiesOnlyTheSamePassword) {
  const auto a = HashPassword("Mật khẩu đủ dài");
  const auto b = HashPassword("Mật khẩu đủ dài");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_THAT(*a, ::testing::StartsWith("$argon2id$"));
  EXPECT_NE(*a, *b);  // a fresh salt each time
  EXPECT_TRUE(VerifyPassword("Mật khẩu đủ dài", *a));
  EXPECT_TRUE(VerifyPassword("Mật khẩu đủ dài", *b));
  EXPECT_FALSE(VerifyPassword("Mat khau du dai", *a));
  EXPECT_FALSE(VerifyPassword("Mật khẩu đủ dài", "not a hash"));
  EXPECT_FALSE(VerifyPassword("Mật khẩu đủ dài", ""));
}

}  // namespace
}  // namespace pqtrack::core
