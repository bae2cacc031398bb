package main

import (
	"context"
	"database/sql"
	"fmt"

	_ "github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5"

	integration "github.com/errordiagnosis/errordiagnosisprocessor/test/integration"
)

// database is the stack's database server: database shop, owned by user
// app, table items with rows 1..5.
type database interface {
	// env tells the service where its database is (see dbEnv).
	env() []string
	// lockItem holds row 1 of items locked in a transaction of its own until
	// release is called: a request updating it waits for the lock.
	lockItem() (release func(), err error)
	stop()
}

const (
	appUser     = "app"
	appPassword = "app-secret"
	appDB       = "shop"
)

// startDatabase starts the server of kind ("postgresql" or "mariadb") in dir.
func startDatabase(kind, dir string) (database, error) {
	switch kind {
	case "postgresql":
		return startPostgres(dir)
	case "mariadb":
		return startMariaDB(dir)
	}
	return nil, fmt.Errorf("-db %q: want postgresql or mariadb", kind)
}

// dbEnv: the right URL, one with a wrong password, one whose port nothing
// listens on (and DB_HOST_UNKNOWN, a host that never resolves). Each in the
// URL form and in parts (host, port, user, password, database), for the
// drivers that want either.
func dbEnv(scheme string, port int) []string {
	url := func(password string, port int) string {
		return fmt.Sprintf("%s://%s:%s@127.0.0.1:%d/%s", scheme, appUser, password, port, appDB)
	}
	closed := integration.MustFreePort()
	return []string{
		"DATABASE_URL=" + url(appPassword, port),
		"DATABASE_URL_BAD_PASSWORD=" + url("not-the-password", port),
		"DATABASE_URL_REFUSED=" + url(appPassword, closed),
		"DB_HOST=127.0.0.1", fmt.Sprintf("DB_PORT=%d", port), fmt.Sprintf("DB_PORT_REFUSED=%d", closed),
		"DB_HOST_UNKNOWN=db.blind.invalid", // RFC 6761: never resolves
		"DB_USER=" + appUser, "DB_PASSWORD=" + appPassword, "DB_NAME=" + appDB,
	}
}

// postgres is PostgreSQL 15 from Debian's package.
type postgres struct{ pg *integration.Postgres }

func startPostgres(dir string) (*postgres, error) {
	pg, err := integration.StartPostgres(dir)
	if err != nil {
		return nil, err
	}
	for _, sql := range []string{
		fmt.Sprintf("CREATE ROLE %s LOGIN PASSWORD '%s'", appUser, appPassword),
		fmt.Sprintf("CREATE DATABASE %s OWNER %s", appDB, appUser),
	} {
		if _, err := pg.Psql(sql); err != nil {
			pg.Stop()
			return nil, err
		}
	}
	if _, err := pg.PsqlDB(appDB, `CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL, qty int NOT NULL);
		INSERT INTO items SELECT i, 'item-' || i, 10 * i FROM generate_series(1, 5) i;
		ALTER TABLE items OWNER TO app;`); err != nil {
		pg.Stop()
		return nil, err
	}
	return &postgres{pg: pg}, nil
}

func (d *postgres) env() []string { return dbEnv("postgresql", d.pg.Port) }
func (d *postgres) stop()         { d.pg.Stop() }

func (d *postgres) lockItem() (func(), error) {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, d.pg.DSN(appUser, appPassword, appDB))
	if err != nil {
		return nil, err
	}
	tx, err := conn.Begin(ctx)
	if err == nil {
		_, err = tx.Exec(ctx, "SELECT qty FROM items WHERE id = 1 FOR UPDATE")
	}
	if err != nil {
		_ = conn.Close(ctx)
		return nil, fmt.Errorf("lock items row 1: %w", err)
	}
	return func() { _ = tx.Rollback(ctx); _ = conn.Close(ctx) }, nil
}

// mariaDB is MariaDB from Debian's package (mariadb-server), the same
// server the bed's integration tests start; items is an InnoDB table, so a
// locked row makes a writer wait innodb_lock_wait_timeout.
type mariaDB struct{ my *integration.MariaDB }

func startMariaDB(dir string) (*mariaDB, error) {
	my, err := integration.StartMariaDB(dir)
	if err != nil {
		return nil, err
	}
	root, err := sql.Open("mysql", my.RootDSN(""))
	if err == nil {
		defer func() { _ = root.Close() }()
		_, err = root.Exec(fmt.Sprintf(`CREATE DATABASE %[1]s;
			CREATE USER '%[2]s'@'%%' IDENTIFIED BY '%[3]s';
			GRANT ALL ON %[1]s.* TO '%[2]s'@'%%';
			CREATE TABLE %[1]s.items (id int PRIMARY KEY, name varchar(64) NOT NULL, qty int NOT NULL) ENGINE=InnoDB;
			INSERT INTO %[1]s.items SELECT seq, CONCAT('item-', seq), 10 * seq FROM %[1]s.seq_1_to_5;`, appDB, appUser, appPassword))
	}
	if err != nil {
		my.Stop()
		return nil, fmt.Errorf("set up MariaDB: %w", err)
	}
	return &mariaDB{my: my}, nil
}

func (d *mariaDB) env() []string { return dbEnv("mysql", d.my.Port) }
func (d *mariaDB) stop()         { d.my.Stop() }

func (d *mariaDB) lockItem() (func(), error) {
	db, err := sql.Open("mysql", d.my.DSN(appUser, appPassword, appDB))
	if err != nil {
		return nil, err
	}
	tx, err := db.Begin()
	if err == nil {
		_, err = tx.Exec("SELECT qty FROM items WHERE id = 1 FOR UPDATE")
	}
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("lock items row 1: %w", err)
	}
	return func() { _ = tx.Rollback(); _ = db.Close() }, nil
}
