package integration

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// The Java services of the bed: one Spring Boot jar (java/, built by run.sh)
// run twice against the same PostgreSQL and MariaDB as the Go services:
//   - catalog-java: instrumented by the OpenTelemetry Spring Boot starter;
//   - ledger-java: instrumented by the OpenTelemetry Java agent (-javaagent),
//     with the starter's auto-configuration excluded.
//
// Both export OTLP/HTTP to the collector. ledger-java calls catalog-java,
// which calls the Go inventory service.

const (
	javaCatalog = "catalog-java"
	javaLedger  = "ledger-java"
)

// JavaConfig is what the Java services need from the bed.
type JavaConfig struct {
	Jar, Agent     string // the Spring Boot jar and the OpenTelemetry Java agent
	Dir            string // logs, the export directory
	Collector      string // host:port of the collector's OTLP/HTTP receiver
	PGPort, MyPort int
	DBUser         string
	PGPassword     string
	MyPassword     string
	InventoryURL   string // the Go inventory service
	ClosedURL      string // nothing listens there
	// Env is added to the JVM's environment last, over the defaults
	// (the metrics bed turns the agent's metrics exporter on).
	Env []string
}

// JavaService is one JVM.
type JavaService struct {
	Name, URL string
	proc      *Proc
	stopOnce  sync.Once
	// What it was started with, for Restart.
	cfg  JavaConfig
	port int
	args []string
	peer string
}

// JavaBed is the pair of JVMs.
type JavaBed struct {
	Catalog, Ledger *JavaService
}

// JavaJarPaths returns the jar and the agent built by run.sh
// ($EDX_JAVA_JAR, $EDX_JAVA_AGENT; java/target/ otherwise).
func JavaJarPaths() (jar, agent string) {
	jar, agent = os.Getenv("EDX_JAVA_JAR"), os.Getenv("EDX_JAVA_AGENT")
	if jar == "" {
		jar = filepath.Join("java", "target", "edx-java-shop.jar")
	}
	if agent == "" {
		agent = filepath.Join("java", "target", "opentelemetry-javaagent.jar")
	}
	return jar, agent
}

// StartJava starts both JVMs in parallel and waits until they answer.
func StartJava(ctx context.Context, cfg JavaConfig) (*JavaBed, error) {
	for _, f := range []string{cfg.Jar, cfg.Agent} {
		if _, err := os.Stat(f); err != nil {
			return nil, fmt.Errorf("%s missing: run test/integration/run.sh (it builds java/ with Maven): %v", f, err)
		}
	}
	if err := os.MkdirAll(filepath.Join(cfg.Dir, "export"), 0o755); err != nil {
		return nil, err
	}
	catalogPort, ledgerPort := MustFreePort(), MustFreePort()
	b := &JavaBed{
		Catalog: &JavaService{Name: javaCatalog, URL: fmt.Sprintf("http://127.0.0.1:%d", catalogPort)},
		Ledger:  &JavaService{Name: javaLedger, URL: fmt.Sprintf("http://127.0.0.1:%d", ledgerPort)},
	}
	common := []string{"-Xmx256m", "-Xss512k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-ea"}
	starter := append(append([]string{}, common...), "-jar", cfg.Jar)
	agent := append(append([]string{}, common...), "-javaagent:"+cfg.Agent, "-jar", cfg.Jar,
		// The agent instruments; the starter on the classpath stays off.
		"--spring.autoconfigure.exclude=io.opentelemetry.instrumentation.spring.autoconfigure.OpenTelemetryAutoConfiguration")
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i, s := range []struct {
		svc  *JavaService
		port int
		args []string
		peer string
	}{{b.Catalog, catalogPort, starter, ""}, {b.Ledger, ledgerPort, agent, b.Catalog.URL}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.svc.start(ctx, cfg, s.port, s.args, s.peer)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			b.Stop()
			return nil, err
		}
	}
	return b, nil
}

func (j *JavaService) start(ctx context.Context, cfg JavaConfig, port int, args []string, peer string) error {
	j.cfg, j.port, j.args, j.peer = cfg, port, args, peer
	return j.run(ctx, "1.0.0")
}

// Restart stops the JVM and starts it again from the same jar on the same
// port (its callers keep their URL) with service.version set to version: a
// new process with a new SDK, as after a deploy.
func (j *JavaService) Restart(version string) error {
	j.proc.Stop(syscall.SIGTERM, 20*time.Second)
	return j.run(context.Background(), version)
}

func (j *JavaService) run(ctx context.Context, version string) error {
	cfg, port, args, peer := j.cfg, j.port, j.args, j.peer
	cmd := exec.CommandContext(ctx, "java", args...)
	env := []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "LANG=C.UTF-8",
		"PORT=" + strconv.Itoa(port),
		fmt.Sprintf("PG_URL=jdbc:postgresql://127.0.0.1:%d/shop?connectTimeout=5", cfg.PGPort),
		fmt.Sprintf("MY_URL=jdbc:mariadb://127.0.0.1:%d/payments?connectTimeout=5000", cfg.MyPort),
		"PG_USER=" + cfg.DBUser, "PG_PASSWORD=" + cfg.PGPassword,
		"MY_USER=" + cfg.DBUser, "MY_PASSWORD=" + cfg.MyPassword,
		"INVENTORY_URL=" + cfg.InventoryURL, "PEER_URL=" + peer, "CLOSED_URL=" + cfg.ClosedURL,
		// Never deployed: the promotions config and the TAX_RATE variable.
		"PROMOTIONS_FILE=" + filepath.Join(cfg.Dir, "config", "promotions.yaml"),
		"EXPORT_DIR=" + filepath.Join(cfg.Dir, "export"),
		"OTEL_SERVICE_NAME=" + j.Name,
		"OTEL_RESOURCE_ATTRIBUTES=service.version=" + version,
		"OTEL_EXPORTER_OTLP_ENDPOINT=http://" + cfg.Collector,
		"OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf",
		"OTEL_BSP_SCHEDULE_DELAY=200",
		"OTEL_METRICS_EXPORTER=none",
		"OTEL_LOGS_EXPORTER=none",
	}
	// EDX_JAVA_SEMCONV=database (for example) runs the services under the
	// stable semantic conventions the instrumentation can opt in to.
	if v := os.Getenv("EDX_JAVA_SEMCONV"); v != "" {
		env = append(env, "OTEL_SEMCONV_STABILITY_OPT_IN="+v)
	}
	env = append(env, cfg.Env...)
	cmd.Env = env
	log := j.Name + ".log"
	if version != "1.0.0" {
		log = j.Name + "-" + version + ".log"
	}
	p, err := StartProc(j.Name, cmd, filepath.Join(cfg.Dir, log))
	if err != nil {
		return err
	}
	j.proc = p
	return WaitHTTP(p, j.URL+"/health", 180*time.Second)
}

// URL is the base URL of entry, "" when it is not a Java service.
func (b *JavaBed) URL(entry string) string {
	switch entry {
	case javaCatalog:
		return b.Catalog.URL
	case javaLedger:
		return b.Ledger.URL
	}
	return ""
}

// Flush stops both JVMs gracefully: Spring's shutdown closes the starter's
// SDK and the agent's shutdown hook flushes its exporter.
func (b *JavaBed) Flush() { b.Stop() }

// Stop stops both JVMs (SIGTERM, then kill after 20 s).
func (b *JavaBed) Stop() {
	var wg sync.WaitGroup
	for _, j := range []*JavaService{b.Catalog, b.Ledger} {
		if j == nil || j.proc == nil {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			j.stopOnce.Do(func() { j.proc.Stop(syscall.SIGTERM, 20*time.Second) })
		}()
	}
	wg.Wait()
}

// SetAlt points the service's /alt endpoints at another database URL or
// password (a bad configuration deployed), through its admin endpoint.
func (j *JavaService) SetAlt(kv map[string]string) error {
	q := url.Values{}
	for k, v := range kv {
		q.Set(k, v)
	}
	resp, err := http.Post(j.URL+"/admin/alt?"+q.Encode(), "text/plain", nil)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s /admin/alt: %d", j.Name, resp.StatusCode)
	}
	return nil
}

// LimitOpenFiles lowers the JVM's RLIMIT_NOFILE soft limit to the
// descriptors it has open now plus headroom (prlimit(1) on its pid), so that
// a request opening many files runs out for real; the undo restores it.
func (j *JavaService) LimitOpenFiles(headroom int) (func(), error) {
	pid := j.proc.Cmd.Process.Pid
	fds, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		return nil, err
	}
	out, err := exec.Command("prlimit", "--pid", strconv.Itoa(pid), "--nofile", "--raw", "--noheadings", "-o", "SOFT,HARD").Output()
	if err != nil {
		return nil, fmt.Errorf("prlimit: %v", err)
	}
	old := strings.Fields(string(out))
	if len(old) != 2 {
		return nil, fmt.Errorf("prlimit: unexpected output %q", out)
	}
	soft := len(fds) + headroom
	if err := exec.Command("prlimit", "--pid", strconv.Itoa(pid), fmt.Sprintf("--nofile=%d:%s", soft, old[1])).Run(); err != nil {
		return nil, fmt.Errorf("prlimit: %v", err)
	}
	return func() { _ = exec.Command("prlimit", "--pid", strconv.Itoa(pid), "--nofile="+old[0]+":"+old[1]).Run() }, nil
}
