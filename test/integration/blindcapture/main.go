// Command blindcapture captures the blind fixtures of one stack
// (testdata/blind/<stack>/, scored by the root package's blind_test.go): it
// starts a throw-away PostgreSQL or MariaDB (and Redis) on free loopback ports and an
// OTLP/HTTP receiver, runs the stack's service under its own OpenTelemetry
// instrumentation with the command given after "--", sends every case of
// cases.go (each request with its own traceparent, so its trace is known),
// and writes per case the spans the SDK exported as OTLP JSON lines, the
// labels of its 500 server spans and, when the service exported any, the log
// records of its trace. test/blind/<stack>/run.sh calls it.
//
//	go run ./blindcapture -stack go-echo -service shop-echo -out DIR [-db mariadb] [-redis] [-timeout] [-unknownhost] [-template] [-repeat 2] -- CMD ARGS...
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	integration "github.com/errordiagnosis/errordiagnosisprocessor/test/integration"
)

func main() {
	stack := flag.String("stack", "", "the stack's name (the fixtures' directory under testdata/blind)")
	service := flag.String("service", "", "OTEL_SERVICE_NAME of the service")
	out := flag.String("out", "", "where the fixtures go (its *.json files are replaced)")
	withRedis := flag.Bool("redis", false, "also start Redis and send the cases that need it")
	withTimeout := flag.Bool("timeout", false, "also send downstream_timeout (the service answers /slow and /downstream/timeout)")
	withTemplate := flag.Bool("template", false, "also send template_missing (the service renders a template file that is not deployed)")
	withUnknownHost := flag.Bool("unknownhost", false, "also send db_unknown_host (the service resolves names from its own hosts file, so DB_HOST_UNKNOWN fails without a DNS query)")
	dbKind := flag.String("db", "postgresql", "the database server: postgresql (15) or mariadb (Debian's mariadb-server); the same routes and faults either way")
	repeat := flag.Int("repeat", 2, "how many times each case is sent")
	keep := flag.Bool("keep", false, "keep the temporary directory (database and service logs)")
	collectorBin := flag.String("collector", "", "a collector with errordiagnosis: the service exports to it, and what it diagnoses is checked (spans in = out, every 500 server span diagnosed, nothing else changed) and scored")
	flag.Parse()
	if *stack == "" || *service == "" || *out == "" || flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}
	needs := map[string]bool{"redis": *withRedis, "timeout": *withTimeout, "unknownhost": *withUnknownHost, "template": *withTemplate}
	if err := run(*stack, *service, *out, *dbKind, *collectorBin, needs, *repeat, *keep, flag.Args()); err != nil {
		log.Fatalf("blindcapture %s: %v", *stack, err)
	}
}

func run(stack, service, out, dbKind, collectorBin string, needs map[string]bool, repeat int, keep bool, argv []string) error {
	tmp, err := os.MkdirTemp("", "blind-"+stack+"-")
	if err != nil {
		return err
	}
	if err := os.Chmod(tmp, 0o755); err != nil { // the database server runs as its own user
		return err
	}
	if keep {
		log.Printf("temporary directory: %s", tmp)
	} else {
		defer os.RemoveAll(tmp)
	}
	db, err := startDatabase(dbKind, filepath.Join(tmp, "db"))
	if err != nil {
		return err
	}
	defer db.stop()
	env := append(os.Environ(), db.env()...)
	if needs["redis"] {
		r, err := integration.NewRedis(filepath.Join(tmp, "redis"))
		if err != nil {
			return err
		}
		defer r.StopRedis()
		env = append(env, fmt.Sprintf("REDIS_URL=redis://127.0.0.1:%d/0", r.RedisPort),
			fmt.Sprintf("REDIS_URL_REFUSED=redis://127.0.0.1:%d/0", integration.MustFreePort()))
	}
	rec, err := startReceiver()
	if err != nil {
		return err
	}
	defer rec.close()
	endpoint := rec.addr
	var col *collector
	if collectorBin != "" {
		if col, err = startCollector(collectorBin, tmp, rec.addr); err != nil {
			col.stop()
			return err
		}
		defer col.stop()
		endpoint = col.endpoint
	}

	// Logs go straight to the receiver, kept per case next to the traces;
	// the real collector's pipelines take traces only, so through it the
	// service exports no logs (the real-collector check is as before).
	logsExporter := "otlp"
	if col != nil {
		logsExporter = "none"
	}
	port := integration.MustFreePort()
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	env = append(env, fmt.Sprintf("PORT=%d", port), "DOWNSTREAM_URL="+base,
		fmt.Sprintf("CLOSED_URL=http://127.0.0.1:%d", integration.MustFreePort()),
		"PAGE_SIZE=twenty", // a setting that does not parse as an integer; PAYMENTS_URL stays unset
		"OTEL_SERVICE_NAME="+service, "OTEL_EXPORTER_OTLP_ENDPOINT=http://"+endpoint,
		"OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf", "OTEL_TRACES_EXPORTER=otlp",
		"OTEL_METRICS_EXPORTER=none", "OTEL_LOGS_EXPORTER="+logsExporter, "OTEL_BSP_SCHEDULE_DELAY=200",
		"OTEL_BLRP_SCHEDULE_DELAY=200", "OTEL_TRACES_SAMPLER=parentbased_always_on")
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = env
	svc, err := integration.StartProc(service, cmd, filepath.Join(tmp, service+".log"))
	if err != nil {
		return err
	}
	defer svc.Stop(syscall.SIGKILL, 5*time.Second)
	if err := integration.WaitHTTP(svc, base+"/health", 180*time.Second); err != nil {
		return err
	}

	sent, err := drive(base, db, needs, repeat)
	if err != nil {
		return fmt.Errorf("%v\nservice log:\n%s", err, svc.Tail(6000))
	}
	if err := rec.awaitEntries(sent, 20*time.Second); err != nil {
		return fmt.Errorf("%v\nservice log:\n%s", err, svc.Tail(6000))
	}
	time.Sleep(1500 * time.Millisecond) // the last batch of client spans
	svc.Stop(syscall.SIGTERM, 10*time.Second)
	time.Sleep(300 * time.Millisecond)
	n, withLogs, err := writeFixtures(out, sent, rec.traces(), rec.logRequests())
	if err != nil {
		return err
	}
	if col != nil {
		col.stop()
		diagnosed, err := col.diagnosed()
		if err != nil {
			return err
		}
		report, err := checkDiagnosed(sent, rec.traces(), diagnosed)
		if err != nil {
			return err
		}
		log.Printf("%s through %s: %s", stack, collectorBin, report)
	}
	received := 0
	for _, ld := range rec.logRequests() {
		received += ld.LogRecordCount()
	}
	// Records outside the cases' traces (none, or not in a span) are left out.
	log.Printf("%s: %d requests, %d fixtures with %d labelled 500 server spans (%d with log records; %d records received) in %s",
		stack, len(sent), len(sent), n, withLogs, received, out)
	return nil
}
