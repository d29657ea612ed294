#include "services/common/json.h"

#include "gtest/gtest.h"

namespace pqtrack {
namespace {

TEST(JsonTest, BuildsEscapedObjects) {
  EXPECT_EQ(JsonObject()
                .Add("comment", "Sửa \"mục 2\"\n\\")
                .Add("draft", 3)
                .Add("ok", true)
                .Add("units", std::vector<std::string>{"TL", "CCVC"})
                .Add("ids", std::vector<int64_t>{4, 5})
                .Build(),
            "{\"comment\":\"Sửa \\\"mục 2\\\"\\n\\\\\",\"draft\":3,\"ok\":true,"
            "\"units\":[\"TL\",\"CCVC\"],\"ids\":[4,5]}");
  EXPECT_EQ(JsonQuote(std::string("\x01", 1)), "\"\\u0001\"");
  EXPECT_EQ(JsonObject().Build(), "{}");
}

}  // namespace
}  // namespace pqtrack
