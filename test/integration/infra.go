// Package integration is the end-to-end test bed of the errordiagnosis processor:
// instrumented Go services, a real PostgreSQL and MariaDB, the custom collector
// built by `make build`, and a real Jaeger v2 as the backend.
package integration

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// FreePort returns a free TCP port on 127.0.0.1, below the kernel's
// ephemeral range: a port of that range, once its probe is closed, can be
// taken by any process's outgoing connection before the caller binds it
// ("address already in use"). It never returns one of the well-known defaults
// other software on the machine may hold, nor a port it returned before.
func FreePort() (int, error) {
	portsMu.Lock()
	defer portsMu.Unlock()
	below := ephemeralStart()
	for range 500 {
		p := minPort + rand.IntN(below-minPort)
		if wellKnown[p] || handedOut[p] {
			continue
		}
		l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p))
		if err != nil {
			continue
		}
		l.Close()
		handedOut[p] = true
		return p, nil
	}
	return 0, fmt.Errorf("no free port between %d and %d on 127.0.0.1", minPort, below)
}

// minPort is the lowest port FreePort returns: below it sit registered
// services' defaults.
const minPort = 10000

var (
	portsMu   sync.Mutex
	handedOut = map[int]bool{}
	wellKnown = map[int]bool{4317: true, 4318: true, 5432: true, 3306: true, 6379: true, 16686: true, 16685: true, 8888: true, 13133: true}
)

// ephemeralStart is the first port of the kernel's ephemeral range
// (Linux's default 32768 when it cannot be read).
func ephemeralStart() int {
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err == nil {
		if f := strings.Fields(string(b)); len(f) == 2 {
			if lo, err := strconv.Atoi(f[0]); err == nil && lo > minPort+1000 {
				return lo
			}
		}
	}
	return 32768
}

// MustFreePort is FreePort that panics.
func MustFreePort() int {
	p, err := FreePort()
	if err != nil {
		panic(err)
	}
	return p
}

// Proc is a child process with its output captured to a log file.
type Proc struct {
	Name string
	Cmd  *exec.Cmd
	Log  string
	done chan error
}

// runAs sets the credentials of cmd to the named system user when we are root
// (initdb and postgres refuse to run as root).
func runAs(cmd *exec.Cmd, username string) error {
	if os.Geteuid() != 0 {
		return nil
	}
	u, err := user.Lookup(username)
	if err != nil {
		return fmt.Errorf("user %s: %w", username, err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)},
		Setpgid: true, Pdeathsig: syscall.SIGKILL}
	cmd.Env = append(os.Environ(), "HOME="+u.HomeDir, "USER="+username)
	return nil
}

func chownTree(dir, username string) error {
	if os.Geteuid() != 0 {
		return nil
	}
	u, err := user.Lookup(username)
	if err != nil {
		return err
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return filepath.Walk(dir, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, uid, gid)
	})
}

// StartProc starts cmd with stdout/stderr going to logPath.
func StartProc(name string, cmd *exec.Cmd, logPath string) (*Proc, error) {
	f, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = f, f
	if cmd.SysProcAttr == nil {
		// Own process group (a Ctrl-C of go test does not hit the databases
		// mid-teardown), killed if the test process dies (timeout, kill).
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	}
	if err := cmd.Start(); err != nil {
		f.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p := &Proc{Name: name, Cmd: cmd, Log: logPath, done: make(chan error, 1)}
	go func() { p.done <- cmd.Wait(); f.Close() }()
	return p, nil
}

// Exited reports whether the process has ended.
func (p *Proc) Exited() bool {
	select {
	case err := <-p.done:
		p.done <- err
		return true
	default:
		return false
	}
}

// Stop sends sig and waits up to timeout, then kills.
func (p *Proc) Stop(sig syscall.Signal, timeout time.Duration) {
	if p == nil || p.Cmd.Process == nil {
		return
	}
	_ = p.Cmd.Process.Signal(sig)
	select {
	case err := <-p.done:
		p.done <- err
	case <-time.After(timeout):
		_ = p.Cmd.Process.Kill()
		err := <-p.done
		p.done <- err
	}
}

// Tail returns the last n bytes of the log.
func (p *Proc) Tail(n int) string {
	b, _ := os.ReadFile(p.Log)
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}

// WaitTCP waits until addr accepts connections or p exits.
func WaitTCP(p *Proc, addr string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if p != nil && p.Exited() {
			return fmt.Errorf("%s exited early:\n%s", p.Name, p.Tail(4000))
		}
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	if p != nil {
		return fmt.Errorf("%s: %s not reachable after %s:\n%s", p.Name, addr, timeout, p.Tail(4000))
	}
	return fmt.Errorf("%s not reachable after %s", addr, timeout)
}

// WaitHTTP waits until url answers 2xx.
func WaitHTTP(p *Proc, url string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	c := &http.Client{Timeout: time.Second}
	for time.Now().Before(deadline) {
		if p != nil && p.Exited() {
			return fmt.Errorf("%s exited early:\n%s", p.Name, p.Tail(4000))
		}
		resp, err := c.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode/100 == 2 {
				return nil
			}
		}
		time.Sleep(150 * time.Millisecond)
	}
	return fmt.Errorf("%s not ready after %s:\n%s", url, timeout, p.Tail(4000))
}

// ---------------------------------------------------------------- PostgreSQL

// Postgres is a throw-away PostgreSQL cluster on a loopback port.
type Postgres struct {
	BinDir, Dir, DataDir string
	Port                 int
	proc                 *Proc
}

// PostgresBinDir finds the newest /usr/lib/postgresql/<ver>/bin (or $PG_BINDIR).
func PostgresBinDir() (string, error) {
	if d := os.Getenv("PG_BINDIR"); d != "" {
		return d, nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool {
		vi, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[i])))
		vj, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[j])))
		return vi < vj
	})
	for i := len(dirs) - 1; i >= 0; i-- {
		if _, err := os.Stat(filepath.Join(dirs[i], "initdb")); err == nil {
			return dirs[i], nil
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", fmt.Errorf("PostgreSQL server binaries not found (apt-get install postgresql)")
}

// StartPostgres initialises a cluster in dir and starts it. The superuser
// "postgres" authenticates by trust on the unix socket only; TCP needs
// scram-sha-256 passwords.
func StartPostgres(dir string) (*Postgres, error) {
	bin, err := PostgresBinDir()
	if err != nil {
		return nil, err
	}
	pg := &Postgres{BinDir: bin, Dir: dir, DataDir: filepath.Join(dir, "data")}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	pw := filepath.Join(dir, "pw")
	if err := os.WriteFile(pw, []byte("postgres-secret\n"), 0o600); err != nil {
		return nil, err
	}
	if err := chownTree(dir, "postgres"); err != nil {
		return nil, err
	}
	initdb := exec.Command(filepath.Join(bin, "initdb"), "-D", pg.DataDir, "-U", "postgres", "--pwfile="+pw,
		"--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync")
	if err := runAs(initdb, "postgres"); err != nil {
		return nil, err
	}
	var out bytes.Buffer
	initdb.Stdout, initdb.Stderr = &out, &out
	if err := initdb.Run(); err != nil {
		return nil, fmt.Errorf("initdb: %v\n%s", err, out.String())
	}
	if pg.Port, err = FreePort(); err != nil {
		return nil, err
	}
	return pg, pg.Start()
}

// Start (re)starts the server on its port.
func (pg *Postgres) Start() error {
	cmd := exec.Command(filepath.Join(pg.BinDir, "postgres"), "-D", pg.DataDir,
		"-p", strconv.Itoa(pg.Port), "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="+pg.Dir,
		"-c", "max_connections=20", "-c", "deadlock_timeout=200ms", "-c", "fsync=off",
		"-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "shared_buffers=16MB",
		"-c", "log_min_messages=warning", "-c", "log_min_error_statement=panic")
	if err := runAs(cmd, "postgres"); err != nil {
		return err
	}
	p, err := StartProc("postgres", cmd, filepath.Join(pg.Dir, "postgres.log"))
	if err != nil {
		return err
	}
	pg.proc = p
	if err := WaitTCP(p, pg.Addr(), 60*time.Second); err != nil {
		return err
	}
	// The port opens slightly before the server accepts logins.
	for i := 0; i < 50; i++ {
		if _, err := pg.Psql("SELECT 1"); err == nil {
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	_, err = pg.Psql("SELECT 1")
	return err
}

// Stop stops the server (fast shutdown).
func (pg *Postgres) Stop() {
	if pg != nil && pg.proc != nil {
		pg.proc.Stop(syscall.SIGINT, 20*time.Second)
	}
}

// Addr is host:port.
func (pg *Postgres) Addr() string { return fmt.Sprintf("127.0.0.1:%d", pg.Port) }

// Psql runs SQL as the superuser over the unix socket.
func (pg *Postgres) Psql(sql string) (string, error) {
	cmd := exec.Command(filepath.Join(pg.BinDir, "psql"), "-h", pg.Dir, "-p", strconv.Itoa(pg.Port),
		"-U", "postgres", "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql)
	if err := runAs(cmd, "postgres"); err != nil {
		return "", err
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("psql %q: %v: %s", sql, err, out)
	}
	return string(out), nil
}

// PsqlDB runs SQL in database db.
func (pg *Postgres) PsqlDB(db, sql string) (string, error) {
	cmd := exec.Command(filepath.Join(pg.BinDir, "psql"), "-h", pg.Dir, "-p", strconv.Itoa(pg.Port),
		"-U", "postgres", "-d", db, "-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql)
	if err := runAs(cmd, "postgres"); err != nil {
		return "", err
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("psql %q: %v: %s", sql, err, out)
	}
	return string(out), nil
}

// DSN for user/password on database db over TCP.
func (pg *Postgres) DSN(user, password, db string) string {
	return fmt.Sprintf("postgres://%s:%s@127.0.0.1:%d/%s?sslmode=disable&connect_timeout=5", user, password, pg.Port, db)
}

// ------------------------------------------------------------------- MariaDB

// MariaDB is a throw-away MariaDB server on a loopback port.
type MariaDB struct {
	Dir, DataDir, Socket string
	Port                 int
	proc                 *Proc
}

func mariaUser() string {
	if os.Geteuid() != 0 {
		return ""
	}
	if _, err := user.Lookup("mysql"); err == nil {
		return "mysql"
	}
	return "root"
}

// StartMariaDB initialises a data directory in dir and starts mariadbd.
func StartMariaDB(dir string) (*MariaDB, error) {
	m := &MariaDB{Dir: dir, DataDir: filepath.Join(dir, "data"), Socket: filepath.Join(dir, "mysqld.sock")}
	if err := os.MkdirAll(m.DataDir, 0o755); err != nil {
		return nil, err
	}
	installDB, err := lookAny("mariadb-install-db", "mysql_install_db")
	if err != nil {
		return nil, err
	}
	u := mariaUser()
	if u != "" && u != "root" {
		if err := chownTree(dir, u); err != nil {
			return nil, err
		}
	}
	args := []string{"--no-defaults", "--datadir=" + m.DataDir, "--auth-root-authentication-method=normal",
		"--skip-test-db", "--skip-name-resolve"}
	if u != "" {
		args = append(args, "--user="+u)
	}
	cmd := exec.Command(installDB, args...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("mariadb-install-db: %v\n%s", err, out)
	}
	if m.Port, err = FreePort(); err != nil {
		return nil, err
	}
	return m, m.Start()
}

func lookAny(names ...string) (string, error) {
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p, nil
		}
		for _, d := range []string{"/usr/sbin", "/usr/bin"} {
			if _, err := os.Stat(filepath.Join(d, n)); err == nil {
				return filepath.Join(d, n), nil
			}
		}
	}
	return "", fmt.Errorf("none of %v found (apt-get install mariadb-server)", names)
}

// Start (re)starts mariadbd.
func (m *MariaDB) Start() error {
	bin, err := lookAny("mariadbd", "mysqld")
	if err != nil {
		return err
	}
	args := []string{"--no-defaults", "--datadir=" + m.DataDir, "--port=" + strconv.Itoa(m.Port),
		"--bind-address=127.0.0.1", "--socket=" + m.Socket, "--pid-file=" + filepath.Join(m.Dir, "mysqld.pid"),
		"--skip-name-resolve", "--skip-log-bin", "--innodb-buffer-pool-size=32M", "--innodb-log-file-size=16M",
		"--innodb-flush-log-at-trx-commit=0", "--max-connections=30", "--log-error=" + filepath.Join(m.Dir, "error.log")}
	if u := mariaUser(); u != "" {
		args = append(args, "--user="+u)
	}
	cmd := exec.Command(bin, args...)
	p, err := StartProc("mariadbd", cmd, filepath.Join(m.Dir, "mariadbd.out"))
	if err != nil {
		return err
	}
	m.proc = p
	if err := WaitTCP(p, m.Addr(), 60*time.Second); err != nil {
		b, _ := os.ReadFile(filepath.Join(m.Dir, "error.log"))
		return fmt.Errorf("%v\n%s", err, b)
	}
	return nil
}

// Stop stops mariadbd.
func (m *MariaDB) Stop() {
	if m != nil && m.proc != nil {
		m.proc.Stop(syscall.SIGTERM, 30*time.Second)
	}
}

// Addr is host:port.
func (m *MariaDB) Addr() string { return fmt.Sprintf("127.0.0.1:%d", m.Port) }

// RootDSN connects as root over the unix socket.
func (m *MariaDB) RootDSN(db string) string {
	return fmt.Sprintf("root@unix(%s)/%s?multiStatements=true", m.Socket, db)
}

// DSN for user/password on database db over TCP.
func (m *MariaDB) DSN(user, password, db string) string {
	return fmt.Sprintf("%s:%s@tcp(127.0.0.1:%d)/%s?timeout=5s&parseTime=true", user, password, m.Port, db)
}

// ----------------------------------------------------------------- processes

// WriteFile writes content to path, creating directories.
func WriteFile(path, content string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(content), 0o644)
}

// Jaeger is a Jaeger v2 all-in-one with memory storage.
type Jaeger struct {
	OTLPGRPCPort, QueryHTTPPort, QueryGRPCPort int
	proc                                       *Proc
}

// StartJaeger writes a config into dir and starts bin.
func StartJaeger(ctx context.Context, bin, dir string) (*Jaeger, error) {
	j := &Jaeger{OTLPGRPCPort: MustFreePort(), QueryHTTPPort: MustFreePort(), QueryGRPCPort: MustFreePort()}
	cfg := fmt.Sprintf(`service:
  extensions: [jaeger_storage, jaeger_query]
  pipelines:
    traces:
      receivers: [otlp]
      processors: [batch]
      exporters: [jaeger_storage_exporter]
  telemetry:
    resource:
      service.name: jaeger
    metrics:
      level: none
    logs:
      level: warn
extensions:
  jaeger_query:
    storage:
      traces: mem
    http:
      endpoint: 127.0.0.1:%d
    grpc:
      endpoint: 127.0.0.1:%d
  jaeger_storage:
    backends:
      mem:
        memory:
          max_traces: 100000
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 127.0.0.1:%d
processors:
  batch:
    timeout: 100ms
exporters:
  jaeger_storage_exporter:
    trace_storage: mem
`, j.QueryHTTPPort, j.QueryGRPCPort, j.OTLPGRPCPort)
	p, err := startWithConfig(ctx, "jaeger", bin, dir, cfg,
		fmt.Sprintf("http://127.0.0.1:%d/api/services", j.QueryHTTPPort), fmt.Sprintf("127.0.0.1:%d", j.OTLPGRPCPort))
	j.proc = p
	if p == nil {
		return nil, err
	}
	return j, err
}

// startWithConfig writes cfg to dir/<name>.yaml, starts `bin --config` on it
// (log in dir/<name>.log) and waits until readyURL answers and tcpAddr
// accepts connections. The process is returned even when waiting failed, so
// that it can be stopped; nil when it did not start.
func startWithConfig(ctx context.Context, name, bin, dir, cfg, readyURL, tcpAddr string) (*Proc, error) {
	path := filepath.Join(dir, name+".yaml")
	if err := WriteFile(path, cfg); err != nil {
		return nil, err
	}
	p, err := StartProc(name, exec.CommandContext(ctx, bin, "--config", path), filepath.Join(dir, name+".log"))
	if err != nil {
		return nil, err
	}
	if err := WaitHTTP(p, readyURL, 60*time.Second); err != nil {
		return p, err
	}
	return p, WaitTCP(p, tcpAddr, 30*time.Second)
}

// Stop stops Jaeger.
func (j *Jaeger) Stop() {
	if j != nil && j.proc != nil {
		j.proc.Stop(syscall.SIGTERM, 10*time.Second)
	}
}

// Collector is the custom collector under test.
type Collector struct {
	GRPCPort, HTTPPort, HealthPort int
	OutFile                        string
	proc                           *Proc
}

// StartCollector writes a config into dir and starts bin, exporting to Jaeger and a JSON file.
func StartCollector(ctx context.Context, bin, dir string, jaegerOTLP int) (*Collector, error) {
	c := &Collector{GRPCPort: MustFreePort(), HTTPPort: MustFreePort(), HealthPort: MustFreePort(),
		OutFile: filepath.Join(dir, "traces.json")}
	cfg := fmt.Sprintf(`receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 127.0.0.1:%d
      http:
        endpoint: 127.0.0.1:%d
processors:
  errordiagnosis:
    wait_duration: 2s
  batch:
    timeout: 200ms
exporters:
  otlp/jaeger:
    endpoint: 127.0.0.1:%d
    tls:
      insecure: true
  file:
    path: %s
    format: json
    flush_interval: 100ms
  file/logs:
    path: %s
    format: json
    flush_interval: 100ms
extensions:
  health_check:
    endpoint: 127.0.0.1:%d
service:
  extensions: [health_check]
  telemetry:
    metrics:
      level: none
    logs:
      level: info
  pipelines:
    traces:
      receivers: [otlp]
      processors: [errordiagnosis, batch]
      exporters: [otlp/jaeger, file]
    logs:
      receivers: [otlp]
      processors: [errordiagnosis]
      exporters: [file/logs]
`, c.GRPCPort, c.HTTPPort, jaegerOTLP, c.OutFile, filepath.Join(dir, "logs.json"), c.HealthPort)
	p, err := startWithConfig(ctx, "collector", bin, dir, cfg,
		fmt.Sprintf("http://127.0.0.1:%d/", c.HealthPort), fmt.Sprintf("127.0.0.1:%d", c.HTTPPort))
	c.proc = p
	if p == nil {
		return nil, err
	}
	return c, err
}

// Stop stops the collector gracefully (it diagnoses and releases what it holds).
func (c *Collector) Stop() {
	if c != nil && c.proc != nil {
		c.proc.Stop(syscall.SIGTERM, 20*time.Second)
	}
}

// OTLPHTTPEndpoint is host:port of the OTLP/HTTP receiver.
func (c *Collector) OTLPHTTPEndpoint() string { return fmt.Sprintf("127.0.0.1:%d", c.HTTPPort) }

// LogTail is the end of the collector's log.
func (c *Collector) LogTail(n int) string { return c.proc.Tail(n) }

// JoinLines is a small helper for reports.
func JoinLines(lines []string) string { return strings.Join(lines, "\n") }
