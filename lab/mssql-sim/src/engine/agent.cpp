#include "engine/agent.hpp"

#include "engine/backup_ops.hpp"
#include "engine/instance.hpp"
#include "engine/mirroring.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <memory>

#include <fmt/format.h>

namespace fs = std::filesystem;

namespace mssql_sim {

namespace {

std::string stamp(std::int64_t ms) {
    std::string s = DateTime{ms}.toString();
    return s.substr(0, 4) + s.substr(5, 2) + s.substr(8, 2) + s.substr(11, 2) + s.substr(14, 2) + s.substr(17, 2);
}

// "<db>_yyyymmddhhmmss.trn" -> the time in its name (ms), or -1.
std::int64_t nameTime(const std::string& file, const std::string& db) {
    std::string prefix = db + "_";
    if (file.size() != prefix.size() + 14 + 4 || !iequals(file.substr(0, prefix.size()), prefix)) return -1;
    std::string ts = file.substr(prefix.size(), 14);
    if (ts.find_first_not_of("0123456789") != std::string::npos) return -1;
    std::string iso = ts.substr(0, 4) + "-" + ts.substr(4, 2) + "-" + ts.substr(6, 2) + " " + ts.substr(8, 2) + ":" + ts.substr(10, 2) + ":" + ts.substr(12, 2);
    auto d = DateTime::parse(iso);
    return d ? d->ms : -1;
}

bool isTrnOf(const fs::path& p, const std::string& db) {
    return p.extension() == ".trn" && nameTime(p.filename().string(), db) >= 0;
}

std::int64_t intervalMs(const Schedule& s) {
    switch (s.freq_subday_type) {
    case 2: return std::max(1, s.freq_subday_interval) * 1000LL;
    case 4: return std::max(1, s.freq_subday_interval) * 60000LL;
    case 8: return std::max(1, s.freq_subday_interval) * 3600000LL;
    default: return 86400000LL;
    }
}

void retain(const fs::path& dir, const std::string& db, std::int64_t cutoffMs) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
        std::int64_t t = nameTime(e.path().filename().string(), db);
        if (t >= 0 && t < cutoffMs) fs::remove(e.path(), ec);
    }
}

}  // namespace

Agent::Agent(Instance& inst, Mirroring& mirroring) : inst_(inst), mirroring_(mirroring), writeRate_(inst.cfg.writeRate) {}

Agent::~Agent() { stop(); }

void Agent::start() {
    stop_ = false;
    thread_ = std::thread([this] { loop(); });
}

void Agent::stop() {
    if (!thread_.joinable()) return;
    stop_ = true;
    thread_.join();
    reap(true);
}

bool Agent::isRunning(const std::string& jobId) const { return running_.count(jobId) > 0; }

void Agent::startJob(Job& job, const std::string& source) {
    if (running_.count(job.job_id)) throw errors::jobRunning(job.name);
    running_.insert(job.job_id);
    std::int64_t now = inst_.nowMs();
    JobActivity* act = nullptr;
    for (auto& a : inst_.st.job_activity)
        if (a.job_id == job.job_id) act = &a;
    if (!act) {
        inst_.st.job_activity.push_back(JobActivity{});
        act = &inst_.st.job_activity.back();
        act->job_id = job.job_id;
    }
    act->run_requested_date = now;
    act->run_requested_source = source;
    act->start_execution_date = now;
    act->stop_execution_date = 0;
    act->job_history_id = 0;
    spdlog::info("[{}] job '{}' started ({})", inst_.st.name, job.name, source);
    auto done = std::make_shared<std::atomic<bool>>(false);
    std::string id = job.job_id;
    std::lock_guard lk(threadsMu_);
    threads_.push_back(Run{std::thread([this, id, done] {
                               runJob(id);
                               *done = true;
                           }),
                           done});
}

void Agent::deleteJob(const std::string& jobId) {
    std::erase_if(inst_.st.job_history, [&](const JobHistory& h) { return h.job_id == jobId; });
    std::erase_if(inst_.st.job_activity, [&](const JobActivity& a) { return a.job_id == jobId; });
    int sched = 0;
    for (const auto& j : inst_.st.jobs)
        if (j.job_id == jobId) sched = j.schedule_id;
    std::erase_if(inst_.st.jobs, [&](const Job& j) { return j.job_id == jobId; });
    bool shared = false;
    for (const auto& j : inst_.st.jobs)
        if (j.schedule_id == sched) shared = true;
    if (sched && !shared) std::erase_if(inst_.st.schedules, [&](const Schedule& s) { return s.schedule_id == sched; });
}

void Agent::runJob(std::string jobId) {
    auto started = inst_.nowMs();
    // Jobs take a moment, like real ones, so a poller can see them running.
    std::this_thread::sleep_for(std::chrono::milliseconds(inst_.cfg.jobMinDurationMs));
    std::lock_guard lk(inst_.mu);
    Job* job = nullptr;
    for (auto& j : inst_.st.jobs)
        if (j.job_id == jobId) job = &j;
    if (!job) {
        running_.erase(jobId);
        return;
    }
    std::string message;
    bool ok = false;
    try {
        if (job->kind == "LSBackup") ok = runBackupJob(*job, message);
        else if (job->kind == "LSCopy") ok = runCopyJob(*job, message);
        else if (job->kind == "LSRestore") ok = runRestoreJob(*job, message);
        else { ok = true; message = "No steps to run."; }
    } catch (const std::exception& e) {
        ok = false;
        message = e.what();
    }
    std::int64_t now = inst_.nowMs();
    int duration = static_cast<int>((now - started) / 1000);
    std::string stepName = job->kind == "LSBackup" ? "Log shipping backup log job step."
                           : job->kind == "LSCopy" ? "Log shipping copy job step."
                           : job->kind == "LSRestore" ? "Log shipping restore log job step." : "step 1";
    JobHistory step;
    step.instance_id = inst_.st.next_history_id++;
    step.job_id = jobId;
    step.step_id = 1;
    step.step_name = stepName;
    step.message = message;
    step.run_status = ok ? 1 : 0;
    step.sql_severity = ok ? 0 : 16;
    step.run_start = started;
    step.run_duration = duration;
    inst_.st.job_history.push_back(step);
    JobHistory outcome = step;
    outcome.instance_id = inst_.st.next_history_id++;
    outcome.step_id = 0;
    outcome.step_name = "(Job outcome)";
    outcome.message = fmt::format("The job {}.  The Job was invoked by User sa.  The last step to run was step 1 ({}).",
                                  ok ? "succeeded" : "failed", stepName);
    inst_.st.job_history.push_back(outcome);
    // Keep history bounded like msdb's retention does.
    if (inst_.st.job_history.size() > 2000)
        inst_.st.job_history.erase(inst_.st.job_history.begin(), inst_.st.job_history.begin() + 500);
    for (auto& a : inst_.st.job_activity) {
        if (a.job_id != jobId) continue;
        a.stop_execution_date = now;
        a.job_history_id = outcome.instance_id;
    }
    running_.erase(jobId);
    spdlog::info("[{}] job '{}' {}: {}", inst_.st.name, job->name, ok ? "succeeded" : "failed", message);
    try {
        inst_.save();
    } catch (const std::exception&) {
        // Logged by save().
    }
}

bool Agent::runBackupJob(Job& job, std::string& message) {
    LsPrimaryDatabase* p = nullptr;
    for (auto& x : inst_.st.ls_primary_databases)
        if (x.primary_id == job.target) p = &x;
    if (!p) { message = "Log shipping is not configured for this backup job."; return false; }
    Database* d = inst_.findDb(p->primary_database);
    if (!d) { message = fmt::format("Database '{}' does not exist.", p->primary_database); return false; }
    std::int64_t now = inst_.nowMs();
    fs::path dir = p->backup_directory;
    fs::path file;
    for (std::int64_t t = now;; t += 1000) {
        file = dir / fmt::format("{}_{}.trn", d->name, stamp(t));
        if (!fs::exists(file)) break;
    }
    try {
        BackupOptions o;
        o.checksum = true;
        o.init = true;
        auto out = backupDatabase(inst_, *d, file.string(), true, o);
        p->last_backup_file = file.string();
        p->last_backup_date = now;
        message = fmt::format("Backed up the log of database '{}' to '{}' (FirstLSN {}, LastLSN {}).", d->name, file.string(),
                              out.header.FirstLSN, out.header.LastLSN);
    } catch (const SqlError& e) {
        message = fmt::format("*** Error: Backup failed for database '{}': {} ({})", d->name, e.what(), e.message().number);
        return false;
    }
    retain(dir, d->name, now - static_cast<std::int64_t>(p->backup_retention_period) * 60000);
    return true;
}

bool Agent::runCopyJob(Job& job, std::string& message) {
    LsSecondary* s = nullptr;
    for (auto& x : inst_.st.ls_secondaries)
        if (x.secondary_id == job.target) s = &x;
    if (!s) { message = "Log shipping is not configured for this copy job."; return false; }
    fs::path src = s->backup_source_directory, dst = s->backup_destination_directory;
    std::error_code ec;
    if (!fs::is_directory(src, ec)) {
        message = fmt::format("*** Error: Could not find a log backup file: the directory '{}' cannot be read (The system cannot find the path specified.).", src.string());
        return false;
    }
    if (!fs::is_directory(dst, ec)) {
        message = fmt::format("*** Error: The destination directory '{}' does not exist.", dst.string());
        return false;
    }
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(src, ec))
        if (isTrnOf(e.path(), s->primary_database)) files.push_back(e.path());
    std::sort(files.begin(), files.end());
    std::string lastName = fs::path(s->last_copied_file).filename().string();
    int copied = 0;
    for (const auto& f : files) {
        std::string name = f.filename().string();
        if (!lastName.empty() && name <= lastName) continue;
        fs::path target = dst / name;
        if (!fs::exists(target)) {
            // A backup the primary is still writing is locked: the real copy job fails on it
            // and copies it on a later run.
            BackupFileReadLock lock(f);
            if (lock.busy()) {
                message = fmt::format("*** Error: Could not copy '{}': The process cannot access the file because it is being used "
                                      "by another process. Copied {} log backup file(s) before it.", f.string(), copied);
                return false;
            }
            // Copy to a .wrk name first and rename when complete, like the real copy job.
            fs::path wrk = target;
            wrk += ".wrk";
            fs::copy_file(f, wrk, fs::copy_options::overwrite_existing, ec);
            if (ec) {
                message = fmt::format("*** Error: Could not copy '{}' to '{}': {}", f.string(), wrk.string(), ec.message());
                return false;
            }
            fs::rename(wrk, target, ec);
            ++copied;
        }
        s->last_copied_file = target.string();
        s->last_copied_date = inst_.nowMs();
    }
    retain(dst, s->primary_database, inst_.nowMs() - static_cast<std::int64_t>(s->file_retention_period) * 60000);
    message = fmt::format("Copied {} log backup file(s) from '{}' to '{}'.", copied, src.string(), dst.string());
    return true;
}

bool Agent::runRestoreJob(Job& job, std::string& message) {
    LsSecondary* s = nullptr;
    for (auto& x : inst_.st.ls_secondaries)
        if (x.secondary_id == job.target) s = &x;
    if (!s) { message = "Log shipping is not configured for this restore job."; return false; }
    int restored = 0;
    for (auto& sd : inst_.st.ls_secondary_databases) {
        if (sd.secondary_id != s->secondary_id) continue;
        Database* d = inst_.findDb(sd.secondary_database);
        if (!d) { message = fmt::format("*** Error: Database '{}' does not exist.", sd.secondary_database); return false; }
        struct Cand { fs::path path; BackupHeader h; };
        std::vector<Cand> cands;
        std::error_code ec;
        for (const auto& e : fs::directory_iterator(s->backup_destination_directory, ec)) {
            if (e.path().extension() != ".trn") continue;
            try {
                auto sets = BackupFile::read(e.path(), false);
                const auto& h = sets[0].header;
                if (h.BackupType == 2 && iequals(h.DatabaseName, s->primary_database)) cands.push_back({e.path(), h});
            } catch (const SqlError&) {
                spdlog::info("[{}] restore job: skipping log backup file '{}' because the file could not be verified.", inst_.st.name, e.path().string());
            }
        }
        std::sort(cands.begin(), cands.end(), [](const Cand& a, const Cand& b) {
            return a.h.FirstLSN != b.h.FirstLSN ? a.h.FirstLSN < b.h.FirstLSN : a.h.LastLSN < b.h.LastLSN;
        });
        for (const auto& c : cands) {
            if (c.h.LastLSN <= d->redo_start_lsn) continue;
            if (c.h.FirstLSN > d->redo_start_lsn) {
                message = fmt::format("*** Error: The file '{}' is too recent to apply to the secondary database '{}' (4305): a log backup that includes LSN {} is missing.",
                                      c.path.string(), d->name, d->redo_start_lsn);
                return false;
            }
            int others = inst_.countSessionsIn(d->database_id, -1);
            if (others > 0 && sd.restore_mode == 1 && sd.disconnect_users) {
                std::vector<int> ids;
                for (const auto& [id, ss] : inst_.sessions)
                    if (ss.databaseId == d->database_id) ids.push_back(id);
                for (int id : ids) {
                    if (inst_.sessions[id].kill) inst_.sessions[id].kill();
                    inst_.sessions.erase(id);
                }
            }
            RestoreOptions o;
            o.mode = sd.restore_mode == 1 ? "STANDBY" : "NORECOVERY";
            if (o.mode == "STANDBY") o.standbyFile = (fs::path(s->backup_destination_directory) / fmt::format("{}_{}.tuf", d->name, stamp(inst_.nowMs()))).string();
            try {
                restoreSet(inst_, nullptr, d->name, c.path.string(), true, o, -1);
            } catch (const SqlError& e) {
                message = fmt::format("*** Error: Could not apply log backup file '{}' to secondary database '{}': {} ({})",
                                      c.path.string(), d->name, e.what(), e.message().number);
                return false;
            }
            sd.last_restored_file = c.path.string();
            sd.last_restored_date = inst_.nowMs();
            ++restored;
        }
    }
    message = fmt::format("Restored {} log backup file(s).", restored);
    return true;
}

void Agent::reap(bool all) {
    std::list<Run> done;
    {
        std::lock_guard lk(threadsMu_);
        for (auto it = threads_.begin(); it != threads_.end();) {
            if (all || it->done->load()) done.splice(done.end(), threads_, it++);
            else ++it;
        }
    }
    for (auto& r : done)
        if (r.thread.joinable()) r.thread.join();
}

void Agent::loop() {
    auto last = std::chrono::steady_clock::now();
    auto lastSave = last;
    auto lastHeartbeat = last;
    while (!stop_) {
        std::this_thread::sleep_for(std::chrono::milliseconds(inst_.cfg.agentTickMs));
        auto now = std::chrono::steady_clock::now();
        double dt = std::chrono::duration<double>(now - last).count();
        last = now;
        reap(false);
        if (inst_.stopped) continue;
        {
            std::lock_guard lk(inst_.mu);
            std::int64_t clock = inst_.nowMs();
            // Scheduled jobs.
            for (auto& sched : inst_.st.schedules) {
                if (!sched.enabled) continue;
                if (sched.next_run == 0) sched.next_run = clock + intervalMs(sched);
                if (clock < sched.next_run) continue;
                for (auto& job : inst_.st.jobs)
                    if (job.enabled && job.schedule_id == sched.schedule_id && !running_.count(job.job_id)) startJob(job, "SCHEDULER");
                while (sched.next_run <= clock) sched.next_run += intervalMs(sched);
            }
            // The write generator: chat traffic on every writable primary database.
            writeCarry_ += dt * writeRate_.load();
            auto records = static_cast<std::int64_t>(writeCarry_);
            writeCarry_ -= static_cast<double>(records);
            if (records > 0) {
                for (auto& d : inst_.st.databases) {
                    if (d.system || d.state_desc != "ONLINE" || d.is_in_standby || d.is_read_only) continue;
                    if (d.mirroring.role == "MIRROR") continue;
                    d.end_lsn += records;
                }
            }
            if (now - lastSave > std::chrono::seconds(1)) {
                try {
                    inst_.save();
                } catch (const std::exception&) {
                    // Logged by save(); the next tick tries again.
                }
                lastSave = now;
            }
        }
        if (now - lastHeartbeat > std::chrono::milliseconds(300)) {
            mirroring_.tick();
            lastHeartbeat = now;
        }
    }
}

}  // namespace mssql_sim
