// SQL Server Agent for the simulator: runs log-shipping jobs (backup, copy, restore) on the
// simulator clock or on sp_start_job, records history, and drives the write generator that
// advances each ONLINE primary database's LSN (the chat traffic).
#pragma once

#include <atomic>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

namespace mssql_sim {

class Instance;
class Mirroring;
struct Job;

class Agent {
public:
    Agent(Instance& inst, Mirroring& mirroring);
    ~Agent();
    void start();
    void stop();
    // Call with inst.mu held. Throws SqlError 22022 when the job is already running.
    void startJob(Job& job, const std::string& source);
    bool isRunning(const std::string& jobId) const;  // inst.mu held
    void setWriteRate(int recordsPerSecond) { writeRate_ = recordsPerSecond; }
    int writeRate() const { return writeRate_.load(); }
    // Deletes a job and everything attached to it (inst.mu held).
    void deleteJob(const std::string& jobId);

private:
    void loop();
    void runJob(std::string jobId);
    bool runBackupJob(Job& job, std::string& message);
    bool runCopyJob(Job& job, std::string& message);
    bool runRestoreJob(Job& job, std::string& message);
    void reap(bool all);

    Instance& inst_;
    Mirroring& mirroring_;
    std::thread thread_;
    std::atomic<bool> stop_{false};
    std::atomic<int> writeRate_;
    std::set<std::string> running_;  // guarded by inst.mu
    std::mutex threadsMu_;
    struct Run {
        std::thread thread;
        std::shared_ptr<std::atomic<bool>> done;
    };
    std::list<Run> threads_;
    double writeCarry_ = 0;
};

}  // namespace mssql_sim
