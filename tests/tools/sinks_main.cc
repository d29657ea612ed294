// pqtrack-test-sinks: a local webhook receiver and SMTP server for the demo
// (the tests use the same sinks in-process). Prints their addresses, then a
// line per request served, until SIGINT or SIGTERM.
//
//   pqtrack-test-sinks [--http-fail N]
#include <signal.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "tests/testing/sinks.h"

int main(int argc, char** argv) {
  CLI::App app{"pqtrack-test-sinks: a local webhook receiver and SMTP sink"};
  int fail = 0;
  app.add_option("--http-fail", fail,
                 "Answer the first N webhook calls with 503");
  CLI11_PARSE(app, argc, argv);
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  pqtrack::testing::HttpSink http;
  pqtrack::testing::SmtpSink smtp;
  const auto log = [](const std::string& line) {
    std::cout << line << std::endl;
  };
  http.Fail(fail, 503);
  http.SetLog(log);
  smtp.SetLog(log);
  std::cout << "webhook " << http.url() << "\nsmtp " << smtp.url() << std::endl;
  int sig = 0;
  sigwait(&signals, &sig);
  std::cout << "received " << http.accepted().size() << " webhook call(s) and "
            << smtp.messages().size() << " e-mail(s)" << std::endl;
  return 0;
}
