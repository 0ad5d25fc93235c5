#include "terminal_approver.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

#include "operator_identity.h"

namespace drkit::cli {

namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// The terminal on `fd` in prompt mode for the life of the object: the interrupt character
// (Ctrl-C) no longer makes the terminal send SIGINT but ends the line like Enter, so the
// prompt sees it (the CLI handles SIGINT on another thread, which cannot wake a blocked
// read). Line editing, echo and Ctrl-D stay as the operator had them. The previous mode
// comes back when the object goes, whatever happens.
class PromptMode {
 public:
  explicit PromptMode(int fd) : fd_(fd) {
    if (::tcgetattr(fd_, &saved_) != 0) return;
    if (saved_.c_cc[VINTR] == _POSIX_VDISABLE || (saved_.c_lflag & ISIG) == 0) return;
    termios t = saved_;
    t.c_lflag &= ~static_cast<tcflag_t>(ISIG);
    t.c_cc[VEOL] = saved_.c_cc[VINTR];
    if (::tcsetattr(fd_, TCSANOW, &t) == 0) {
      active_ = true;
      interrupt_char_ = saved_.c_cc[VINTR];
    }
  }
  ~PromptMode() { restore(); }
  PromptMode(const PromptMode&) = delete;
  PromptMode& operator=(const PromptMode&) = delete;

  void restore() {
    if (active_) ::tcsetattr(fd_, TCSANOW, &saved_);
    active_ = false;
  }
  // The byte Ctrl-C puts in the line while the prompt waits; -1 if none.
  int interrupt_char() const { return interrupt_char_; }

 private:
  int fd_;
  termios saved_{};
  bool active_ = false;
  int interrupt_char_ = -1;
};

// Waits up to `timeout` for `fd` to become readable.
bool readable(int fd, std::chrono::milliseconds timeout) {
  pollfd p{fd, POLLIN, 0};
  int n;
  do n = ::poll(&p, 1, static_cast<int>(timeout.count()));
  while (n < 0 && errno == EINTR);
  return n > 0;
}

bool sigint_pending() {
  sigset_t pending;
  sigemptyset(&pending);
  return ::sigpending(&pending) == 0 && sigismember(&pending, SIGINT) == 1;
}

// When stderr is not the terminal (`drkit run failover 2>run.log`), the operator would not see
// the question: show it on the terminal being read as well.
void echo_on_terminal(const std::string& text) {
  if (::isatty(STDERR_FILENO)) return;
  const char* name = ::ttyname(STDIN_FILENO);
  if (!name) return;
  int fd = ::open(name, O_WRONLY | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) return;
  std::string out = text + "\n";
  std::size_t done = 0;
  while (done < out.size()) {
    ssize_t n = ::write(fd, out.data() + done, out.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  ::close(fd);
}

std::string trimmed(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  std::size_t start = 0;
  while (start < s.size() && std::isspace(static_cast<unsigned char>(s[start]))) ++start;
  return s.substr(start);
}

}  // namespace

TerminalApprover::TerminalApprover(Console& console, bool yes, std::set<std::string> approved)
    : console_(console), yes_(yes), approved_(std::move(approved)), who_(operator_identity()) {
  if (::pipe2(wake_, O_CLOEXEC | O_NONBLOCK) != 0)
    throw std::runtime_error(fmt::format("cannot create a pipe for the gate prompt: {}", std::strerror(errno)));
}

TerminalApprover::~TerminalApprover() {
  for (int fd : wake_)
    if (fd >= 0) ::close(fd);
}

void TerminalApprover::interrupt() {
  // Never drained: once interrupted, every later prompt gives up at once too. A full pipe
  // (EAGAIN) already says so.
  char c = 1;
  [[maybe_unused]] auto n = ::write(wake_[1], &c, 1);
}

bool TerminalApprover::interrupted() const { return readable(wake_[0], 0ms); }

Approval TerminalApprover::ask(const std::string& step_id, const std::string& text) {
  if (approved_.count(step_id)) return {true, who_, "--approve"};
  if (yes_) return {true, who_, "--yes"};
  if (!::isatty(STDIN_FILENO)) {
    console_.line(fmt::format("  gate   {}: {}\n         not approved: no terminal to ask on; pass --approve {} "
                              "(or --yes) to approve it",
                              step_id, text, step_id));
    return {false, who_, "non-interactive"};
  }
  if (interrupted()) return {false, who_, "terminal: interrupted"};

  PromptMode mode(STDIN_FILENO);
  // Typeahead (an Enter pressed while the previous step ran, an answer typed early) must
  // not answer a question nobody has read yet.
  ::tcflush(STDIN_FILENO, TCIFLUSH);
  std::string prompt = fmt::format(
      "\n  gate   {}: {}\n         type '{}' and Enter to approve; anything else refuses; Ctrl-C interrupts the run:",
      step_id, text, step_id);
  console_.line(prompt);
  echo_on_terminal(prompt);

  std::string line;
  Answer answer = read_answer(line, mode.interrupt_char());
  mode.restore();
  switch (answer) {
    case Answer::line:
      if (trimmed(line) == step_id) return {true, who_, "terminal"};
      console_.line(fmt::format("         refused: the answer was not '{}'", step_id));
      return {false, who_, "terminal"};
    case Answer::end_of_input:
      console_.line("         refused: no answer (end of input)");
      return {false, who_, "terminal: end of input"};
    case Answer::ctrl_c:
      // The terminal did not signal (prompt mode): raise the SIGINT it would have sent, so the
      // run is interrupted exactly as by Ctrl-C at any other moment.
      ::kill(::getpid(), SIGINT);
      wait_for_interrupt_to_take_effect();
      return {false, who_, "terminal: interrupted"};
    case Answer::interrupted:  // the signal handler has said so on its own line
      return {false, who_, "terminal: interrupted"};
  }
  return {false, who_, "terminal"};
}

TerminalApprover::Answer TerminalApprover::read_answer(std::string& line, int interrupt_char) {
  for (;;) {
    pollfd fds[2] = {{STDIN_FILENO, POLLIN, 0}, {wake_[0], POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return Answer::end_of_input;
    }
    if (fds[1].revents != 0) return Answer::interrupted;
    if (fds[0].revents == 0) continue;
    char buf[256];
    ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) return Answer::end_of_input;  // Ctrl-D, or the terminal hung up (EIO)
    for (ssize_t i = 0; i < n; ++i) {
      unsigned char c = static_cast<unsigned char>(buf[i]);
      if (interrupt_char >= 0 && c == interrupt_char) return Answer::ctrl_c;
      if (c == '\n' || c == '\r') return Answer::line;
      line += static_cast<char>(c);
    }
  }
}

// Returning before the engine knows it is interrupted would let it record the gate as an
// ordinary refusal and end the run "failed" instead of "interrupted". The CLI's signal thread
// takes the SIGINT and interrupts the engine, and (when it forwards interruptions here)
// then calls interrupt(), which ends this wait at once. For a caller that does not forward
// them, wait until the signal has been taken, then give its handler a moment to run.
void TerminalApprover::wait_for_interrupt_to_take_effect() {
  auto deadline = Clock::now() + 10s;  // bounded: SIGINT may be blocked with nobody waiting for it
  while (sigint_pending() && Clock::now() < deadline)
    if (readable(wake_[0], 10ms)) return;
  readable(wake_[0], 500ms);
}

}  // namespace drkit::cli
