package main

import (
	"fmt"

	integration "github.com/errordiagnosis/errordiagnosisprocessor/test/integration"
)

// database is the stack's PostgreSQL: database shop, owned by role app,
// table items with rows 1..5.
type database struct {
	pg *integration.Postgres
}

const (
	appUser     = "app"
	appPassword = "app-secret"
	appDB       = "shop"
)

func startDatabase(dir string) (*database, error) {
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
	return &database{pg: pg}, nil
}

// env tells the service where its database is: the right URL, one with a
// wrong password, one whose port nothing listens on (and DB_HOST_UNKNOWN, a
// host that never resolves). Each in the URL form
// and in parts (host, port, user, password, database), for the drivers that
// want either.
func (d *database) env() []string {
	url := func(password string, port int) string {
		return fmt.Sprintf("postgresql://%s:%s@127.0.0.1:%d/%s", appUser, password, port, appDB)
	}
	closed := integration.MustFreePort()
	return []string{
		"DATABASE_URL=" + url(appPassword, d.pg.Port),
		"DATABASE_URL_BAD_PASSWORD=" + url("not-the-password", d.pg.Port),
		"DATABASE_URL_REFUSED=" + url(appPassword, closed),
		"DB_HOST=127.0.0.1", fmt.Sprintf("DB_PORT=%d", d.pg.Port), fmt.Sprintf("DB_PORT_REFUSED=%d", closed),
		"DB_HOST_UNKNOWN=db.blind.invalid", // RFC 6761: never resolves
		"DB_USER=" + appUser, "DB_PASSWORD=" + appPassword, "DB_NAME=" + appDB,
	}
}

// appDSN is the URL the driver itself uses (to hold a row lock).
func (d *database) appDSN() string { return d.pg.DSN(appUser, appPassword, appDB) }
