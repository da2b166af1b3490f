#pragma once
// Runs the trialsim binary as a child process, as a shell would: arguments
// without a shell, stdout and stderr captured to files, an optional limit on
// the size of the files it writes, signals sent while it runs, and a deadline
// after which it is killed, so that a hang fails the test instead of stalling it.

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace trialsim::testing {

struct Finished {
  bool exited = false;    //!< ended by exit(); otherwise by a signal, or killed at the deadline
  int exit_code = -1;
  int signal = 0;         //!< the signal that ended it, when not exited
  bool timed_out = false; //!< killed at the deadline
  std::string out, err;
};

class Child {
public:
  //! Starts TRIALSIM_BINARY with `arguments`; output goes to `folder`/stdout.txt and stderr.txt.
  //! With `file_size_limit` (bytes) the child cannot grow a file past it (SIGXFSZ, which
  //! would end it, is left at its default: trialsim ignores it, so the write fails with EFBIG).
  Child(const std::vector<std::string>& arguments, const std::filesystem::path& folder,
        std::optional<rlim_t> file_size_limit = std::nullopt)
      : Child(arguments, folder, ChildOptions{file_size_limit, {}, {}, {}}) {}

  //! How the child starts, beyond its arguments.
  struct ChildOptions {
    std::optional<rlim_t> file_size_limit;
    //! Signals ignored when it starts, as a shell script's `&` (SIGINT) or nohup (SIGHUP) does.
    std::vector<int> ignored_signals;
    //! Where its stdout goes instead of `folder`/stdout.txt (e.g. /dev/full).
    std::filesystem::path stdout_path;
    //! Its working folder (default: the test's).
    std::filesystem::path working_directory;
  };

  Child(const std::vector<std::string>& arguments, const std::filesystem::path& folder, const ChildOptions& options)
      : out_(options.stdout_path.empty() ? folder / "stdout.txt" : options.stdout_path), err_(folder / "stderr.txt") {
    const std::optional<rlim_t> file_size_limit = options.file_size_limit;
    std::vector<std::string> argv_text{TRIALSIM_BINARY};
    argv_text.insert(argv_text.end(), arguments.begin(), arguments.end());
    std::vector<char*> argv;
    for (std::string& argument : argv_text) argv.push_back(argument.data());
    argv.push_back(nullptr);
    pid_ = ::fork();
    if (pid_ == 0) {
      // Only async-signal-safe calls between fork and exec.
      const int out = ::open(out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      const int err = ::open(err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (out < 0 || err < 0 || ::dup2(out, 1) < 0 || ::dup2(err, 2) < 0) ::_exit(126);
      ::signal(SIGINT, SIG_DFL);
      ::signal(SIGTERM, SIG_DFL);
      ::signal(SIGHUP, SIG_DFL);
      for (int ignored : options.ignored_signals) ::signal(ignored, SIG_IGN);
      if (!options.working_directory.empty() && ::chdir(options.working_directory.c_str()) != 0) ::_exit(126);
      if (file_size_limit) {
        const rlimit limit{*file_size_limit, *file_size_limit};
        if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) ::_exit(126);
        // SIGXFSZ keeps its default action (ending the process): trialsim must ignore it itself.
        ::signal(SIGXFSZ, SIG_DFL);
      }
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  ~Child() {
    if (pid_ > 0 && !reaped_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }

  pid_t pid() const { return pid_; }
  bool running() {
    if (reaped_) return false;
    if (::waitpid(pid_, &status_, WNOHANG) == 0) return true;
    reaped_ = true;
    return false;
  }
  void send(int signal) const { ::kill(pid_, signal); }

  //! Waits until the child has installed a handler for `signal` (SigCgt in /proc/<pid>/status);
  //! false when it ended or the deadline passed first.
  bool wait_until_catching(int signal, std::chrono::duration<double> deadline) {
    const auto start = std::chrono::steady_clock::now();
    while (running() && std::chrono::steady_clock::now() - start < deadline) {
      std::ifstream status("/proc/" + std::to_string(pid_) + "/status");
      std::string line;
      while (std::getline(status, line)) {
        if (!line.starts_with("SigCgt:")) continue;
        const unsigned long long caught = std::stoull(line.substr(7), nullptr, 16);
        if (((caught >> (signal - 1)) & 1ULL) != 0) return true;
      }
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    return false;
  }

  //! Waits until the child ends, killing it after `deadline`.
  Finished wait(std::chrono::duration<double> deadline) {
    Finished finished;
    const auto start = std::chrono::steady_clock::now();
    while (running()) {
      if (std::chrono::steady_clock::now() - start > deadline) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status_, 0);
        reaped_ = true;
        finished.timed_out = true;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    finished.exited = !finished.timed_out && WIFEXITED(status_);
    finished.exit_code = finished.exited ? WEXITSTATUS(status_) : -1;
    finished.signal = WIFSIGNALED(status_) ? WTERMSIG(status_) : 0;
    finished.out = read(out_);
    finished.err = read(err_);
    return finished;
  }

private:
  static std::string read(const std::filesystem::path& path) {
    if (!std::filesystem::is_regular_file(path)) return "";  // a device such as /dev/full
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  std::filesystem::path out_, err_;
  pid_t pid_ = -1;
  int status_ = 0;
  bool reaped_ = false;
};

} // namespace trialsim::testing
