package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// machine describes where the benchmark ran, for the report's header.
type machine struct {
	Date, Host, CPU, Kernel, GoVersion, Commit string
	CPUs                                       int
	MemTotalMiB                                int64
	LoadStart, LoadEnd                         string
}

func describeMachine() machine {
	m := machine{Date: time.Now().Format(time.RFC1123Z), CPUs: runtime.NumCPU(), LoadStart: loadAvg()}
	m.Host, _ = os.Hostname()
	if out, err := exec.Command("go", "version").Output(); err == nil {
		m.GoVersion = strings.TrimSpace(string(out))
	} else {
		m.GoVersion = runtime.Version()
	}
	if out, err := exec.Command("uname", "-sr").Output(); err == nil {
		m.Kernel = strings.TrimSpace(string(out))
	}
	if out, err := exec.Command("git", "rev-parse", "--short", "HEAD").Output(); err == nil {
		m.Commit = strings.TrimSpace(string(out))
		if st, err := exec.Command("git", "status", "--porcelain", "--untracked-files=no").Output(); err == nil && len(st) > 0 {
			m.Commit += " (with uncommitted changes)"
		}
	}
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		s := bufio.NewScanner(f)
		for s.Scan() {
			if k, v, ok := strings.Cut(s.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
		f.Close()
	}
	if kb, ok := procStatusKB("/proc/meminfo", "MemTotal"); ok {
		m.MemTotalMiB = kb / 1024
	}
	return m
}

// loadAvg returns the 1, 5 and 15 minute load averages.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

// load1 is the one-minute load average as a number.
func load1(s string) float64 {
	f, _ := strconv.ParseFloat(strings.Fields(s + " ?")[0], 64)
	return f
}

// procStatusKB reads a "Key: N kB" line of a /proc status-like file.
func procStatusKB(path, key string) (int64, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok || k != key {
			continue
		}
		n, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		return n, err == nil
	}
	return 0, false
}

// memory of a process: its resident set now, and the most it had since start or since the
// last resetPeak.
type memory struct{ RSS, Peak int64 } // KiB

func processMemory(pid int) memory {
	path := fmt.Sprintf("/proc/%d/status", pid)
	rss, _ := procStatusKB(path, "VmRSS")
	peak, _ := procStatusKB(path, "VmHWM")
	return memory{RSS: rss, Peak: peak}
}

// resetPeak starts a new VmHWM period: writing 5 to clear_refs sets the peak to the current
// resident set (Linux 4.0 and later). It returns false where that is not allowed.
func resetPeak(pid int) bool {
	return os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0) == nil
}

// clockTicks is USER_HZ, the unit of /proc/PID/stat times: 100 on every Linux that Go supports.
const clockTicks = 100

// processCPU is the user plus system CPU time a process has used.
func processCPU(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The command name may hold spaces: the fields we want follow its closing parenthesis.
	s := string(b)
	if i := strings.LastIndexByte(s, ')'); i >= 0 {
		s = s[i+1:]
	}
	f := strings.Fields(s)
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * time.Second / clockTicks
}

// selfCPU is the CPU time this process (the load generator) has used.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// machineCPU reads the machine's busy and total CPU time from /proc/stat.
func machineCPU() (busy, total int64) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	for i, v := range f[1:] {
		n, _ := strconv.ParseInt(v, 10, 64)
		total += n
		if i != 3 && i != 4 { // idle and iowait
			busy += n
		}
	}
	return busy, total
}

// cpuMeter measures how much CPU the server, the load generator and the whole machine
// used over an interval, each as a share of one core (so up to 200% on two cores).
type cpuMeter struct {
	pid                 int
	start               time.Time
	server, self        time.Duration
	machBusy, machTotal int64
}

func startCPU(pid int) *cpuMeter {
	m := &cpuMeter{pid: pid, start: time.Now(), server: processCPU(pid), self: selfCPU()}
	m.machBusy, m.machTotal = machineCPU()
	return m
}

type cpuUse struct{ Server, Generator, Machine float64 } // percent of one core

func (m *cpuMeter) stop() cpuUse {
	wall := time.Since(m.start).Seconds()
	busy, total := machineCPU()
	u := cpuUse{
		Server:    100 * (processCPU(m.pid) - m.server).Seconds() / wall,
		Generator: 100 * (selfCPU() - m.self).Seconds() / wall,
	}
	if total > m.machTotal {
		u.Machine = 100 * float64(runtime.NumCPU()) * float64(busy-m.machBusy) / float64(total-m.machTotal)
	}
	return u
}
