#include "server/net/static_files.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <string>
#include <system_error>

#include "core/json.h"

namespace arena::net {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kSecret = "TOP-SECRET-outside-the-root";

void write_file(const fs::path& path, std::string_view contents) {
  std::ofstream out(path, std::ios::binary);
  out << contents;
  ASSERT_TRUE(out.good()) << path;
}

std::optional<std::string> header(const StaticResponse& r, std::string_view name) {
  for (const auto& [key, value] : r.headers) {
    if (key.size() == name.size() && std::equal(key.begin(), key.end(), name.begin(), [](char a, char b) {
          return std::tolower(a) == std::tolower(b);
        }))
      return value;
  }
  return std::nullopt;
}

std::string error_code_of(const StaticResponse& r) {
  std::optional<Json> j = parse_json(r.body);
  if (!j || !j->contains("error")) return "<not an error body: " + r.body + ">";
  return (*j)["error"].value("code", "<no code>");
}

// A temporary folder:
//   secret                      outside the root
//   web/                        the root
//     index.html app.js style.css module.mjs data.json "a b.txt" .hidden
//     sub/index.html  sub/page.html  empty/ (no index.html)
//     link -> ../secret   linkdir -> ..   alias -> .hidden
class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device rd;
    base_ = fs::temp_directory_path() / ("arena_static_test_" + std::to_string(rd()) + std::to_string(rd()));
    root_ = base_ / "web";
    fs::create_directories(root_ / "sub");
    fs::create_directories(root_ / "empty");
    write_file(base_ / "secret", kSecret);
    write_file(root_ / "index.html", "<h1>home</h1>");
    write_file(root_ / "app.js", "console.log('app');");
    write_file(root_ / "style.css", "body{}");
    write_file(root_ / "module.mjs", "export {};");
    write_file(root_ / "data.json", "{}");
    write_file(root_ / "a b.txt", "spaced");
    write_file(root_ / ".hidden", "hidden stuff");
    write_file(root_ / "sub" / "index.html", "<h1>sub</h1>");
    write_file(root_ / "sub" / "page.html", "<p>page</p>");
    fs::create_symlink("../secret", root_ / "link");
    fs::create_directory_symlink("..", root_ / "linkdir");
    fs::create_symlink(".hidden", root_ / "alias");
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(base_, ec);
  }

  StaticResponse get(std::string_view target, std::string_view if_none_match = "") {
    return serve_static(root_, "GET", target, if_none_match);
  }

  fs::path base_;
  fs::path root_;
};

TEST(ContentTypeFor, KnowsTheWebTypes) {
  EXPECT_EQ(content_type_for("index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(content_type_for("style.css"), "text/css; charset=utf-8");
  EXPECT_EQ(content_type_for("app.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(content_type_for("mod.mjs"), "text/javascript; charset=utf-8");
  EXPECT_EQ(content_type_for("data.json"), "application/json");
  EXPECT_EQ(content_type_for("app.js.map"), "application/json");
  EXPECT_EQ(content_type_for("logo.svg"), "image/svg+xml");
  EXPECT_EQ(content_type_for("a.png"), "image/png");
  EXPECT_EQ(content_type_for("a.jpg"), "image/jpeg");
  EXPECT_EQ(content_type_for("a.jpeg"), "image/jpeg");
  EXPECT_EQ(content_type_for("a.gif"), "image/gif");
  EXPECT_EQ(content_type_for("a.webp"), "image/webp");
  EXPECT_EQ(content_type_for("favicon.ico"), "image/x-icon");
  EXPECT_EQ(content_type_for("font.woff2"), "font/woff2");
  EXPECT_EQ(content_type_for("notes.txt"), "text/plain; charset=utf-8");
  EXPECT_EQ(content_type_for("engine.wasm"), "application/wasm");
}

TEST(ContentTypeFor, IgnoresCaseAndFallsBackToOctetStream) {
  EXPECT_EQ(content_type_for("SHOUT.PNG"), "image/png");
  EXPECT_EQ(content_type_for("Page.Html"), "text/html; charset=utf-8");
  EXPECT_EQ(content_type_for("blob.bin"), "application/octet-stream");
  EXPECT_EQ(content_type_for("README"), "application/octet-stream");
}

TEST_F(StaticFilesTest, ServesFilesWithTheirTypesAndHeaders) {
  StaticResponse js = get("/app.js");
  EXPECT_EQ(js.status, 200u);
  EXPECT_EQ(js.body, "console.log('app');");
  EXPECT_EQ(js.content_length, js.body.size());
  EXPECT_EQ(js.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(header(js, "Cache-Control"), "public, max-age=3600");
  EXPECT_EQ(header(js, "X-Content-Type-Options"), "nosniff");
  ASSERT_TRUE(header(js, "ETag").has_value());
  EXPECT_TRUE(header(js, "ETag")->starts_with('"') && header(js, "ETag")->ends_with('"'))
      << *header(js, "ETag");
  EXPECT_TRUE(header(js, "Last-Modified").has_value());

  StaticResponse css = get("/style.css");
  EXPECT_EQ(css.status, 200u);
  EXPECT_EQ(css.content_type, "text/css; charset=utf-8");
  EXPECT_EQ(get("/module.mjs").content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(get("/data.json").content_type, "application/json");

  StaticResponse html = get("/sub/page.html");
  EXPECT_EQ(html.body, "<p>page</p>");
  EXPECT_EQ(html.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(header(html, "Cache-Control"), "no-cache");
}

TEST_F(StaticFilesTest, ResolvesFolderIndexes) {
  StaticResponse home = get("/");
  EXPECT_EQ(home.status, 200u);
  EXPECT_EQ(home.body, "<h1>home</h1>");
  EXPECT_EQ(home.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(header(home, "Cache-Control"), "no-cache");
  EXPECT_EQ(get("/sub/").body, "<h1>sub</h1>");
  EXPECT_EQ(get("/sub").body, "<h1>sub</h1>");
  EXPECT_EQ(get("//sub//").body, "<h1>sub</h1>");
}

TEST_F(StaticFilesTest, FoldersWithoutIndexAndMissingFilesAre404) {
  for (std::string_view target : {"/empty/", "/empty", "/missing.js", "/sub/missing/", "/app.js/"}) {
    StaticResponse r = get(target);
    EXPECT_EQ(r.status, 404u) << target;
    EXPECT_EQ(r.content_type, "application/json") << target;
    EXPECT_EQ(error_code_of(r), "not_found") << target;
    EXPECT_EQ(header(r, "X-Content-Type-Options"), "nosniff") << target;
  }
}

TEST_F(StaticFilesTest, HeadHasHeadersButNoBody) {
  StaticResponse r = serve_static(root_, "HEAD", "/app.js", "");
  EXPECT_EQ(r.status, 200u);
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(r.content_length, std::string_view("console.log('app');").size());
  EXPECT_EQ(r.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(header(r, "ETag"), header(get("/app.js"), "ETag"));
}

TEST_F(StaticFilesTest, StripsTheQuery) {
  EXPECT_EQ(get("/app.js?v=3").body, "console.log('app');");
  EXPECT_EQ(get("/?x=1&y=../../secret").body, "<h1>home</h1>");
  EXPECT_EQ(get("/sub/?").body, "<h1>sub</h1>");
}

TEST_F(StaticFilesTest, PercentDecodesThePath) {
  StaticResponse r = get("/a%20b.txt");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.body, "spaced");
  EXPECT_EQ(get("/%61pp.js").body, "console.log('app');");
  EXPECT_EQ(get("/a+b.txt").status, 404u);  // '+' is a plus in a path, not a space
}

TEST_F(StaticFilesTest, BadEscapesAndNulAre400) {
  for (std::string_view target :
       {"/%zz", "/%2", "/a%", "/%g0.js", "/app.js%00", "/app%00.js", "app.js", ""}) {
    StaticResponse r = get(target);
    EXPECT_EQ(r.status, 400u) << target;
    EXPECT_EQ(error_code_of(r), "bad_request") << target;
  }
  std::string raw_nul("/app.js\0x", 9);
  EXPECT_EQ(get(raw_nul).status, 400u);
}

TEST_F(StaticFilesTest, TraversalNeverReachesOutsideTheRoot) {
  // The outside file is there and readable, so a server that followed these would leak it.
  {
    std::ifstream in(base_ / "secret");
    std::string contents((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ASSERT_EQ(contents, kSecret);
    ASSERT_TRUE(fs::is_symlink(root_ / "link"));
    ASSERT_EQ(fs::canonical(root_ / "link"), fs::canonical(base_ / "secret"));
  }
  for (std::string_view target :
       {"/../secret", "/%2e%2e/secret", "/%2E%2E/secret", "/sub/../../secret", "/..%2fsecret", "/..%2Fsecret",
        "/sub/..%2f..%2fsecret", "/./../secret", "/link", "/linkdir/secret", "/%2fetc%2fpasswd",
        "/sub/%2e%2e/%2e%2e/secret"}) {
    for (std::string_view method : {"GET", "HEAD"}) {
      StaticResponse r = serve_static(root_, method, target, "");
      EXPECT_TRUE(r.status == 403u || r.status == 404u) << method << " " << target << " -> " << r.status;
      EXPECT_EQ(r.body.find(kSecret), std::string::npos) << target;
      EXPECT_EQ(r.body.find("root:"), std::string::npos) << target;
      EXPECT_EQ(r.content_type, "application/json") << target;
    }
  }
  EXPECT_EQ(error_code_of(get("/../secret")), "forbidden");
  EXPECT_EQ(error_code_of(get("/link")), "forbidden");
}

TEST_F(StaticFilesTest, DotDotInsideTheRootIsStillRefused) {
  // "/sub/../app.js" would stay inside the root, but ".." segments are refused outright.
  EXPECT_EQ(get("/sub/../app.js").status, 403u);
}

TEST_F(StaticFilesTest, HiddenFilesAre404) {
  for (std::string_view target : {"/.hidden", "/%2ehidden", "/alias", "/sub/.git/config", "/."}) {
    StaticResponse r = get(target);
    EXPECT_EQ(r.status, 404u) << target;
    EXPECT_EQ(r.body.find("hidden stuff"), std::string::npos) << target;
  }
}

TEST_F(StaticFilesTest, MatchingETagGives304WithoutBody) {
  StaticResponse first = get("/app.js");
  ASSERT_EQ(first.status, 200u);
  std::string etag = *header(first, "ETag");

  for (std::string if_none_match :
       {etag, "\"nope\", " + etag, "\"a\",\"b\" ," + etag + " ", std::string("*"), "W/" + etag}) {
    StaticResponse r = get("/app.js", if_none_match);
    EXPECT_EQ(r.status, 304u) << if_none_match;
    EXPECT_TRUE(r.body.empty()) << if_none_match;
    EXPECT_EQ(header(r, "ETag"), etag) << if_none_match;
    EXPECT_EQ(header(r, "Cache-Control"), "public, max-age=3600");
  }
  EXPECT_EQ(serve_static(root_, "HEAD", "/app.js", etag).status, 304u);
}

TEST_F(StaticFilesTest, StaleETagGives200) {
  std::string etag = *header(get("/app.js"), "ETag");
  StaticResponse stale = get("/app.js", "\"0-0\", \"other\"");
  EXPECT_EQ(stale.status, 200u);
  EXPECT_EQ(stale.body, "console.log('app');");

  // A change of modification time makes the old tag stale.
  fs::last_write_time(root_ / "app.js", fs::last_write_time(root_ / "app.js") - std::chrono::hours(5));
  StaticResponse changed = get("/app.js", etag);
  EXPECT_EQ(changed.status, 200u);
  EXPECT_EQ(changed.body, "console.log('app');");
  EXPECT_NE(header(changed, "ETag"), etag);

  // So does a change of size.
  write_file(root_ / "app.js", "console.log('app, longer');");
  fs::last_write_time(root_ / "app.js", fs::last_write_time(root_ / "app.js") - std::chrono::hours(5));
  EXPECT_NE(header(get("/app.js"), "ETag"), header(changed, "ETag"));
}

TEST_F(StaticFilesTest, LastModifiedIsAnImfFixdate) {
  using namespace std::chrono;
  sys_seconds when = sys_days(year(1994) / November / 6) + hours(8) + minutes(49) + seconds(37);
  fs::last_write_time(root_ / "style.css", file_clock::from_sys(when));
  EXPECT_EQ(header(get("/style.css"), "Last-Modified"), "Sun, 06 Nov 1994 08:49:37 GMT");

  sys_seconds later = sys_days(year(2024) / February / 29) + hours(23) + minutes(5) + seconds(9);
  fs::last_write_time(root_ / "style.css", file_clock::from_sys(later));
  EXPECT_EQ(header(get("/style.css"), "Last-Modified"), "Thu, 29 Feb 2024 23:05:09 GMT");
}

TEST_F(StaticFilesTest, OnlyGetAndHeadAreAllowed) {
  for (std::string_view method : {"POST", "PUT", "DELETE", "OPTIONS", "get"}) {
    StaticResponse r = serve_static(root_, method, "/app.js", "");
    EXPECT_EQ(r.status, 405u) << method;
    EXPECT_EQ(header(r, "Allow"), "GET, HEAD") << method;
    EXPECT_EQ(error_code_of(r), "method_not_allowed") << method;
    EXPECT_EQ(r.body.find("console.log"), std::string::npos) << method;
  }
}

TEST_F(StaticFilesTest, FilesOverTheLimitAreRefused) {
  { std::ofstream create(root_ / "big.bin"); }
  fs::resize_file(root_ / "big.bin", kMaxStaticFileBytes + 1);  // sparse: costs no disk
  StaticResponse r = get("/big.bin");
  EXPECT_EQ(r.status, 403u);
  EXPECT_EQ(error_code_of(r), "too_large");

  fs::resize_file(root_ / "big.bin", 1000);
  StaticResponse small = get("/big.bin");
  EXPECT_EQ(small.status, 200u);
  EXPECT_EQ(small.body.size(), 1000u);
  EXPECT_EQ(small.content_type, "application/octet-stream");
}

TEST_F(StaticFilesTest, MissingRootIs404) {
  StaticResponse r = serve_static(base_ / "no-such-folder", "GET", "/", "");
  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(error_code_of(r), "not_found");
}

}  // namespace
}  // namespace arena::net
