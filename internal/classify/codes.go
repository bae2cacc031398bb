package classify

import (
	"regexp"
	"strconv"
	"strings"
)

// sqlstateRows: SQLSTATE codes. Exact PostgreSQL codes (rule
// "postgresql.sqlstate.<code>"), standard/ODBC codes used by MySQL and SQL
// Server drivers ("sqlstate.<code>"), and class fallbacks
// ("sqlstate.class.<class>", code "class:NN").
var sqlstateRows = []codeRow{
	// Class 08 — connection exception.
	code("sqlstate", "08001", connRefused),
	code("sqlstate", "08004", connRefused),
	// PDO pgsql reports every connect that fails as SQLSTATE 08006 (ext/pdo_pgsql pgsql_driver.c: pdo_pgsql_error with
	// PHP_PDO_PGSQL_CONNECTION_FAILURE_SQLSTATE) and libpq's PQerrorMessage after it: libpq's words name the cause.
	code("sqlstate", "08006", connTooMany).whenText("too many clients already", "too_many").orText("remaining connection slots are reserved", "too many connections for"),
	code("sqlstate", "08006", connAuth).whenText("password authentication failed", "auth").orText("no pg_hba.conf entry"),
	code("sqlstate", "08006", connDNS).whenText("could not translate host name", "dns"),
	code("sqlstate", "08006", connRefused).whenText("connection refused", "refused"),
	code("sqlstate", "08006", connReset),
	code("sqlstate", "08003", connReset),
	code("sqlstate", "08P01", connReset),
	code("sqlstate", "08S01", connReset),
	// Class 28 — invalid authorization.
	code("sqlstate", "28000", connAuth),
	code("sqlstate", "28P01", connAuth),
	// Class 3D — invalid catalog name.
	code("sqlstate", "3D000", connUnknownDB),
	// Class 53 — insufficient resources.
	code("sqlstate", "53300", connTooMany),
	code("sqlstate", "53200", resOOM),
	code("sqlstate", "53100", resDisk),
	// Class 57 — operator intervention.
	code("sqlstate", "57014", dbCanceled).whenText("user request", "user_request"),
	code("sqlstate", "57014", dbStatementTimeout),
	code("sqlstate", "57P01", connReset),
	code("sqlstate", "57P02", connReset),
	code("sqlstate", "57P03", connUnavailable),
	code("sqlstate", "57P05", connReset),
	// Class 55 / 40 — locks and transaction rollback.
	code("sqlstate", "55P03", dbLockTimeout),
	code("sqlstate", "40P01", qDeadlock),
	code("sqlstate", "40001", qDeadlock).onlyFor("mysql"),
	code("sqlstate", "40001", qSerialize),
	code("sqlstate", "25P03", dbStatementTimeout),
	// 25006 read_only_sql_transaction: a write to a read-only transaction or server (PostgreSQL's
	// PreventCommandIfReadOnly; a hot standby's PreventCommandDuringRecovery uses it too).
	code("sqlstate", "25006", connReadOnly),
	// Class 42 — syntax error or access rule violation.
	code("sqlstate", "42P01", qTable),
	code("sqlstate", "42S02", qTable),
	code("sqlstate", "42703", qColumn),
	code("sqlstate", "42S22", qColumn),
	code("sqlstate", "42601", qSyntax),
	code("sqlstate", "42883", qFunction),
	code("sqlstate", "42501", confPermission),
	code("sqlstate", "42000", qSyntax),
	// Class 23 — integrity constraint violation.
	code("sqlstate", "23505", qConstraint),
	code("sqlstate", "23503", qConstraint),
	code("sqlstate", "23502", qConstraint),
	code("sqlstate", "23514", qConstraint),
	// Class 22 — data exception.
	code("sqlstate", "22P02", qData),
	code("sqlstate", "22001", qData),
	code("sqlstate", "22003", qData),
	code("sqlstate", "22012", qData),
	// ODBC timeout.
	// msodbcsql's connect: "[HYT00] ... Login timeout expired" is the connect's timeout, not a statement's.
	code("sqlstate", "HYT00", connTimeout).whenText("login timeout expired", "login"),
	code("sqlstate", "HYT00", dbStatementTimeout),
	code("sqlstate", "HYT01", connTimeout),
	// Class fallbacks.
	code("sqlstate", "class:08", connRefused),
	code("sqlstate", "class:28", connAuth),
	code("sqlstate", "class:53", resOOM),
	code("sqlstate", "class:57", connReset),
	code("sqlstate", "class:40", qSerialize),
	code("sqlstate", "class:42", qSyntax),
	code("sqlstate", "class:23", qConstraint),
	code("sqlstate", "class:22", qData),
	code("sqlstate", "class:3D", connUnknownDB),
	code("sqlstate", "class:58", resDisk),
}

// mysqlRows: MySQL / MariaDB error numbers (server 1xxx/3xxx/4xxx, client 2xxx),
// with the ER_ names node's mysql/mysql2 put in err.code.
var mysqlRows = []codeRow{
	code("mysql", "1040", connTooMany).aka("ER_CON_COUNT_ERROR"),
	code("mysql", "1203", connTooMany).aka("ER_TOO_MANY_USER_CONNECTIONS"),
	code("mysql", "1226", connTooMany).aka("ER_USER_LIMIT_REACHED"),
	code("mysql", "1045", connAuth).aka("ER_ACCESS_DENIED_ERROR"),
	// "Access denied for user '%s'@'%s' to database '%s'": the account the connection logged in as may not open
	// the database it names (the handshake's, or COM_INIT_DB's), a credential as 1045 is (mysqljs/mysql#2142).
	code("mysql", "1044", connAuth).aka("ER_DBACCESS_DENIED_ERROR"),
	code("mysql", "1142", confPermission).aka("ER_TABLEACCESS_DENIED_ERROR"),
	code("mysql", "1143", confPermission).aka("ER_COLUMNACCESS_DENIED_ERROR"),
	code("mysql", "1049", connUnknownDB).aka("ER_BAD_DB_ERROR"),
	// mysqlnd reports any failed connect as CR_CONNECTION_ERROR 2002 with the stream's error text
	// (ext/mysqlnd/mysqlnd_connection.c): php-src main/network.c's "php_network_getaddresses: getaddrinfo for %s
	// failed: %s" (before PHP 8.1 "getaddrinfo failed: %s") is a name that does not resolve, the socket's
	// "Connection timed out" a connect that timed out; Connector/C's 2002 is a refused socket or port.
	code("mysql", "2002", connDNS).whenText("php_network_getaddresses", "dns"),
	code("mysql", "2002", connTimeout).whenText("timed out", "timeout"),
	code("mysql", "2002", connRefused),
	// PyMySQL's connect (pymysql/connections.py) raises every OSError of the socket as CR_CONN_HOST_ERROR 2003,
	// "Can't connect to MySQL server on %r (%s)" with the error's own text: socket.gaierror's gai_strerror
	// ("[Errno -2] Name or service not known", "[Errno -3] Temporary failure in name resolution", macOS's
	// "nodename nor servname provided", Windows' "getaddrinfo failed") is a name that does not resolve,
	// socket.timeout's "timed out" a connect that timed out; libmysqlclient's 2003 carries only the errno. musl's
	// gai_strerror (src/network/gai_strerror.c, Alpine's Python) says EAI_NONAME "Name does not resolve".
	code("mysql", "2003", connDNS).whenText("name or service not known", "dns").orText("temporary failure in name resolution", "nodename nor servname provided", "getaddrinfo failed", "name does not resolve"),
	code("mysql", "2003", connTimeout).whenText("timed out", "timeout"),
	code("mysql", "2003", connRefused),
	code("mysql", "2005", connDNS),
	code("mysql", "2006", connReset).aka("ER_SERVER_GONE_ERROR"),
	code("mysql", "2013", connReset),
	code("mysql", "2026", connTLS),
	code("mysql", "4031", connReset),
	code("mysql", "1053", connReset).aka("ER_SERVER_SHUTDOWN"),
	code("mysql", "1205", dbLockTimeout).aka("ER_LOCK_WAIT_TIMEOUT"),
	code("mysql", "1213", qDeadlock).aka("ER_LOCK_DEADLOCK"),
	code("mysql", "3024", dbStatementTimeout).aka("ER_QUERY_TIMEOUT"),
	code("mysql", "1969", dbStatementTimeout).aka("ER_STATEMENT_TIMEOUT"),
	code("mysql", "1317", dbCanceled).aka("ER_QUERY_INTERRUPTED"),
	code("mysql", "3572", dbLockTimeout).aka("ER_LOCK_NOWAIT"),
	code("mysql", "1146", qTable).aka("ER_NO_SUCH_TABLE"),
	// mysql/mysql-server share/messages_to_clients.txt ER_WRONG_AUTO_KEY (1075, 42000) "Incorrect table definition;
	// there can be only one auto column and it must be defined as a key": a table the application's model defines
	// (gorm's AutoMigrate, a migration) that the server rejects.
	code("mysql", "1075", qORM).aka("ER_WRONG_AUTO_KEY"),
	code("mysql", "1054", qColumn).aka("ER_BAD_FIELD_ERROR"),
	code("mysql", "1064", qSyntax).aka("ER_PARSE_ERROR"),
	code("mysql", "1305", qFunction).aka("ER_SP_DOES_NOT_EXIST"),
	code("mysql", "1062", qConstraint).aka("ER_DUP_ENTRY"),
	code("mysql", "1451", qConstraint).aka("ER_ROW_IS_REFERENCED_2"),
	code("mysql", "1452", qConstraint).aka("ER_NO_REFERENCED_ROW_2"),
	code("mysql", "1048", qConstraint).aka("ER_BAD_NULL_ERROR"),
	code("mysql", "1364", qConstraint).aka("ER_NO_DEFAULT_FOR_FIELD"),
	code("mysql", "1406", qData).aka("ER_DATA_TOO_LONG"),
	code("mysql", "1264", qData).aka("ER_WARN_DATA_OUT_OF_RANGE"),
	code("mysql", "1366", qData).aka("ER_TRUNCATED_WRONG_VALUE_FOR_FIELD"),
	code("mysql", "1020", qSerialize).aka("ER_CHECKREAD"),
	code("mysql", "1041", resOOM).aka("ER_OUT_OF_RESOURCES"),
	code("mysql", "1037", resOOM).aka("ER_OUTOFMEMORY"),
	code("mysql", "1021", resDisk).aka("ER_DISK_FULL"),
	code("mysql", "1114", resDisk).aka("ER_RECORD_FILE_FULL"),
	code("mysql", "1290", connReadOnly).aka("ER_OPTION_PREVENTS_STATEMENT").whenText("read-only", "read_only"),
}

// mssqlRows: SQL Server error numbers (SqlException.Number).
var mssqlRows = []codeRow{
	code("mssql", "208", qTable),
	code("mssql", "207", qORM).whenText("entityframework", "efcore"),
	code("mssql", "207", qColumn),
	code("mssql", "102", qSyntax),
	code("mssql", "156", qSyntax),
	code("mssql", "105", qSyntax),
	code("mssql", "2812", qFunction),
	code("mssql", "2627", qConstraint),
	code("mssql", "2601", qConstraint),
	code("mssql", "547", qConstraint),
	code("mssql", "515", qConstraint),
	code("mssql", "8152", qData),
	code("mssql", "2628", qData),
	code("mssql", "245", qData),
	code("mssql", "8134", qData),
	code("mssql", "1205", qDeadlock),
	code("mssql", "3960", qSerialize),
	code("mssql", "1222", dbLockTimeout),
	code("mssql", "-2", dbStatementTimeout),
	code("mssql", "3980", dbCanceled),
	code("mssql", "18456", connAuth),
	code("mssql", "4060", connUnknownDB),
	code("mssql", "53", connRefused),
	code("mssql", "10061", connRefused),
	code("mssql", "10060", connTimeout),
	code("mssql", "10054", connReset),
	code("mssql", "233", connReset),
	code("mssql", "40613", connUnavailable),
	code("mssql", "229", confPermission),
	code("mssql", "701", resOOM),
	code("mssql", "1105", resDisk),
	code("mssql", "9002", resDisk),
}

// oracleRows: Oracle ORA- codes.
var oracleRows = []codeRow{
	code("oracle", "ORA-00942", qTable),
	code("oracle", "ORA-00904", qColumn),
	code("oracle", "ORA-00900", qSyntax),
	code("oracle", "ORA-00933", qSyntax),
	code("oracle", "ORA-00936", qSyntax),
	code("oracle", "ORA-00001", qConstraint),
	code("oracle", "ORA-02291", qConstraint),
	code("oracle", "ORA-02292", qConstraint),
	code("oracle", "ORA-01400", qConstraint),
	code("oracle", "ORA-01722", qData),
	code("oracle", "ORA-12899", qData),
	code("oracle", "ORA-00060", qDeadlock),
	code("oracle", "ORA-08177", qSerialize),
	code("oracle", "ORA-00054", dbLockTimeout),
	code("oracle", "ORA-30006", dbLockTimeout),
	code("oracle", "ORA-01013", dbCanceled),
	code("oracle", "ORA-01017", connAuth),
	code("oracle", "ORA-28000", connAuth),
	code("oracle", "ORA-12541", connRefused),
	// Oracle's Database Error Messages: ORA-12514 "TNS:listener does not currently know of service requested in connect
	// descriptor", ORA-12505 "... of SID given in connect descriptor": the listener answered, the database the connect
	// string names is not registered with it.
	code("oracle", "ORA-12514", connUnknownDB),
	code("oracle", "ORA-12505", connUnknownDB),
	code("oracle", "ORA-12154", connDNS),
	code("oracle", "ORA-12170", connTimeout),
	code("oracle", "ORA-03113", connReset),
	code("oracle", "ORA-03114", connReset),
	code("oracle", "ORA-00018", connTooMany),
	code("oracle", "ORA-00020", connTooMany),
	code("oracle", "ORA-12519", connTooMany),
	code("oracle", "ORA-01031", confPermission),
	// ORA-24413 "Invalid number of sessions specified": OCISessionPoolCreate's min, max and increment do not fit (a
	// pool's poolMin/poolMax/poolIncrement setting, node-oracledb's createPool).
	code("oracle", "ORA-24413", confInvalid),
	code("oracle", "ORA-04031", resOOM),
	code("oracle", "ORA-04030", resOOM),
	code("oracle", "ORA-01653", resDisk),
	code("oracle", "ORA-01654", resDisk),
	code("oracle", "ORA-01652", resDisk),
}

// mongoRows: MongoDB server error codes, with their codeName.
var mongoRows = []codeRow{
	code("mongodb", "11000", qConstraint).aka("DuplicateKey"),
	code("mongodb", "121", qConstraint).aka("DocumentValidationFailure"),
	code("mongodb", "50", dbStatementTimeout).aka("MaxTimeMSExpired"),
	code("mongodb", "262", dbStatementTimeout).aka("ExceededTimeLimit"),
	code("mongodb", "11601", dbCanceled).aka("Interrupted"),
	code("mongodb", "18", connAuth).aka("AuthenticationFailed"),
	code("mongodb", "13", confPermission).aka("Unauthorized"),
	code("mongodb", "112", qSerialize).aka("WriteConflict"),
	code("mongodb", "251", qSerialize).aka("NoSuchTransaction"),
	code("mongodb", "9", qSyntax).aka("FailedToParse"),
	code("mongodb", "2", qData).aka("BadValue"),
	code("mongodb", "26", qTable).aka("NamespaceNotFound"),
	code("mongodb", "6", connRefused).aka("HostUnreachable"),
	code("mongodb", "7", connDNS).aka("HostNotFound"),
	code("mongodb", "89", connTimeout).aka("NetworkTimeout"),
	code("mongodb", "9001", connReset).aka("SocketException"),
	code("mongodb", "91", connUnavailable).aka("ShutdownInProgress"),
	code("mongodb", "11600", connUnavailable).aka("InterruptedAtShutdown"),
	code("mongodb", "10107", connReadOnly).aka("NotWritablePrimary", "NotMaster"),
	code("mongodb", "13435", connReadOnly).aka("NotPrimaryNoSecondaryOk"),
	code("mongodb", "146", resOOM).aka("ExceededMemoryLimit"),
	code("mongodb", "14031", resDisk).aka("OutOfDiskSpace"),
}

// redisRows: Redis error prefixes (the first word of the reply).
var redisRows = []codeRow{
	code("redis", "OOM", resOOM),
	code("redis", "WRONGPASS", connAuth),
	code("redis", "NOAUTH", connAuth),
	code("redis", "NOPERM", confPermission),
	code("redis", "ERR", connTooMany).whenText("max number of clients reached", "max_clients"),
	code("redis", "ERR", qSyntax).whenText("unknown command", "unknown_command"),
	code("redis", "LOADING", connUnavailable),
	code("redis", "MASTERDOWN", connUnavailable),
	code("redis", "CLUSTERDOWN", connUnavailable),
	code("redis", "READONLY", connReadOnly),
	code("redis", "MISCONF", resDisk),
	code("redis", "BUSY", dbStatementTimeout),
	code("redis", "WRONGTYPE", qData),
	code("redis", "NOSCRIPT", qFunction),
	code("redis", "EXECABORT", qError),
}

// prismaRows: Prisma engine error codes.
var prismaRows = []codeRow{
	code("prisma", "P1000", connAuth),
	code("prisma", "P1001", connRefused),
	code("prisma", "P1002", connTimeout),
	code("prisma", "P1003", connUnknownDB),
	code("prisma", "P1008", dbStatementTimeout),
	code("prisma", "P1011", connTLS),
	code("prisma", "P1017", connReset),
	code("prisma", "P2002", qConstraint),
	code("prisma", "P2003", qConstraint),
	code("prisma", "P2011", qConstraint),
	code("prisma", "P2021", qTable),
	code("prisma", "P2022", qColumn),
	code("prisma", "P2024", connPool),
	code("prisma", "P2034", qSerialize),
}

// sqlalchemyRows: the codes of SQLAlchemy's error links ("Background on this
// error at: https://sqlalche.me/e/20/3o7r"), one per exception class. Most
// classes only say which DBAPI exception class was wrapped (e3q8
// OperationalError, f405 ProgrammingError, 4xp6 DatabaseError, dbapi): they
// have no row, and the driver's error inside decides. These decide on their
// own, after the wrapped driver error and before the wrapper's type.
var sqlalchemyRows = []codeRow{
	code("sqlalchemy", "3o7r", connPool),    // TimeoutError: QueuePool limit of size N overflow M reached
	code("sqlalchemy", "gkpj", qConstraint), // IntegrityError
	code("sqlalchemy", "9h9h", qData),       // DataError
	code("sqlalchemy", "rvf5", connReset),   // InterfaceError: the DBAPI connection is closed or broken
	code("sqlalchemy", "8s2b", connReset),   // PendingRollbackError: can't reconnect until invalid transaction is rolled back
	code("sqlalchemy", "bhk3", qORM),        // DetachedInstanceError: lazy load outside its Session
	code("sqlalchemy", "xd2s", appState),    // MissingGreenlet: sync IO called from asyncio code
}

// clickhouseRows: ClickHouse server error codes (src/Common/ErrorCodes.cpp),
// as clickhouse-client and clickhouse-driver print them ("Code: 60.
// DB::Exception: ..."), pgx through ClickHouse's PostgreSQL port ("DB::Exception
// (516): ..."), clickhouse-go ("code: 60, message: ...", read when the text
// names ClickHouse or the span's system is clickhouse).
var clickhouseRows = []codeRow{
	code("clickhouse", "516", connAuth).aka("AUTHENTICATION_FAILED"),
	code("clickhouse", "192", connAuth).aka("UNKNOWN_USER"),
	code("clickhouse", "193", connAuth).aka("WRONG_PASSWORD"),
	code("clickhouse", "194", connAuth).aka("REQUIRED_PASSWORD"),
	code("clickhouse", "81", connUnknownDB).aka("UNKNOWN_DATABASE"),
	code("clickhouse", "60", qTable).aka("UNKNOWN_TABLE"),
	code("clickhouse", "47", qColumn).aka("UNKNOWN_IDENTIFIER"),
	code("clickhouse", "16", qColumn).aka("NO_SUCH_COLUMN_IN_TABLE"),
	code("clickhouse", "62", qSyntax).aka("SYNTAX_ERROR"),
	code("clickhouse", "46", qFunction).aka("UNKNOWN_FUNCTION"),
	code("clickhouse", "159", dbStatementTimeout).aka("TIMEOUT_EXCEEDED"),
	code("clickhouse", "394", dbCanceled).aka("QUERY_WAS_CANCELLED"),
	code("clickhouse", "241", resOOM).aka("MEMORY_LIMIT_EXCEEDED"),
	code("clickhouse", "243", resDisk).aka("NOT_ENOUGH_SPACE"),
	code("clickhouse", "497", confPermission).aka("ACCESS_DENIED"),
	code("clickhouse", "291", confPermission).aka("DATABASE_ACCESS_DENIED"),
}

var codeTables = [][]codeRow{sqlstateRows, mysqlRows, mssqlRows, oracleRows, mongoRows, redisRows, prismaRows, sqlalchemyRows, clickhouseRows}

// codeIndex: table + "\x00" + upper-case code or alias → rows in table order.
var codeIndex = map[string][]*codeRow{}

var rulePrefix = map[string]string{
	"mysql": "mysql.error.", "mssql": "mssql.error.", "oracle": "oracle.",
	"mongodb": "mongodb.error.", "redis": "redis.", "prisma": "prisma.", "sqlalchemy": "sqlalchemy.error.", "clickhouse": "clickhouse.error.",
}

func initCodes() {
	for _, t := range codeTables {
		for i := range t {
			r := &t[i]
			switch {
			case r.table == "sqlstate" && strings.HasPrefix(r.code, "class:"):
				r.rule = "sqlstate.class." + r.code[len("class:"):]
			case r.table == "sqlstate" && (strings.Contains(r.code, "P") || r.sys == "" && pgOnly[r.code]):
				r.rule = "postgresql.sqlstate." + r.code
			case r.table == "sqlstate" && r.sys != "":
				r.rule = r.sys + ".sqlstate." + r.code
			case r.table == "sqlstate":
				r.rule = "sqlstate." + r.code
			default:
				r.rule = rulePrefix[r.table] + r.code
			}
			if r.tag != "" {
				r.rule += "." + r.tag
			}
			for _, k := range append([]string{r.code}, r.alias...) {
				key := r.table + "\x00" + strings.ToUpper(k)
				codeIndex[key] = append(codeIndex[key], r)
			}
		}
	}
}

// pgOnly marks SQLSTATE codes that only PostgreSQL (and its wire-compatible
// servers) define; they get the "postgresql.sqlstate." rule prefix.
var pgOnly = map[string]bool{
	"53300": true, "53200": true, "53100": true, "57014": true, "55P03": true, "40P01": true,
	"3D000": true, "42601": true, "42703": true, "42883": true, "42501": true, "23505": true,
	"23503": true, "23502": true, "23514": true, "22001": true, "22003": true, "22012": true,
	"28000": true, "40001": true, "08001": true, "08004": true, "08006": true, "08003": true,
}

// lookupCode finds the first row of table for code whose conditions hold.
func lookupCode(p *prepared, table, c string) (*codeRow, bool) {
	rows := codeIndex[table+"\x00"+strings.ToUpper(c)]
	for _, r := range rows {
		if r.sys != "" && r.sys != p.system {
			continue
		}
		if len(r.when) > 0 && !containsAny(p.all, r.when) {
			continue
		}
		return r, true
	}
	return nil, false
}

func lookupSQLSTATE(p *prepared, c string) (*codeRow, bool) {
	if len(c) != 5 {
		return nil, false
	}
	if r, ok := lookupCode(p, "sqlstate", c); ok {
		return r, true
	}
	return lookupCode(p, "sqlstate", "class:"+strings.ToUpper(c[:2]))
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// routeCode interprets a structured code (db.response.status_code, or an
// error.type on a database span) by database family, or by its shape when
// the family is unknown: ORA-nnnnn → Oracle, five alphanumerics → SQLSTATE,
// 1xxx-4xxx → MySQL, other numbers → SQL Server then MongoDB, an upper-case
// word → Redis.
func routeCode(p *prepared, raw string) (*codeRow, bool) {
	c := strings.TrimSpace(raw)
	if c == "" || c == "0" {
		return nil, false
	}
	up := strings.ToUpper(c)
	if strings.HasPrefix(up, "ORA-") {
		return lookupCode(p, "oracle", up)
	}
	num := strings.TrimPrefix(c, "-")
	switch p.system {
	case "oracle":
		if allDigits(num) {
			n, _ := strconv.Atoi(num)
			return lookupCode(p, "oracle", "ORA-"+leftPad5(strconv.Itoa(n)))
		}
	case "redis":
		if i := strings.IndexByte(up, ' '); i > 0 {
			up = up[:i]
		}
		return lookupCode(p, "redis", up)
	case "mongodb":
		return lookupCode(p, "mongodb", strings.TrimPrefix(up, "E"))
	case "mssql":
		if allDigits(num) {
			if r, ok := lookupCode(p, "mssql", c); ok || len(c) != 5 {
				return r, ok
			}
		}
		return lookupSQLSTATE(p, up)
	case "mysql":
		if allDigits(num) {
			if r, ok := lookupCode(p, "mysql", c); ok || len(c) != 5 {
				return r, ok
			}
		}
		if r, ok := lookupCode(p, "mysql", up); ok {
			return r, true
		}
		return lookupSQLSTATE(p, up)
	case "postgresql":
		return lookupSQLSTATE(p, up)
	case "clickhouse":
		return lookupCode(p, "clickhouse", up)
	}
	// Unknown family: infer from the shape.
	if strings.HasPrefix(up, "E11000") {
		return lookupCode(p, "mongodb", "11000")
	}
	if strings.HasPrefix(up, "P") && len(up) == 5 && allDigits(up[1:]) {
		if r, ok := lookupCode(p, "prisma", up); ok {
			return r, true
		}
	}
	if len(up) == 5 && !allDigits(up) {
		return lookupSQLSTATE(p, up)
	}
	if allDigits(num) {
		n, _ := strconv.Atoi(num)
		if len(num) == 4 && n >= 1000 && n < 5000 && num == c {
			if r, ok := lookupCode(p, "mysql", c); ok {
				return r, true
			}
		}
		if len(c) == 5 {
			if r, ok := lookupSQLSTATE(p, c); ok {
				return r, true
			}
		}
		if r, ok := lookupCode(p, "mssql", c); ok {
			return r, true
		}
		return lookupCode(p, "mongodb", c)
	}
	if strings.HasPrefix(up, "ER_") {
		return lookupCode(p, "mysql", up)
	}
	return lookupCode(p, "redis", up)
}

func leftPad5(s string) string {
	for len(s) < 5 {
		s = "0" + s
	}
	return s
}

// Regular expressions for codes inside messages (all on lower-cased text).
var (
	// go-sql-driver/mysql, mysql CLI: "Error 1146 (42S02): ...", "Error 1040: ...".
	reMySQLError = regexp.MustCompile(`\berror (\d{4})(?: \([0-9a-z]{5}\))?: `)
	// mysql/mysql-connector-python lib/mysql/connector/errors.py Error.__init__: "{errno} ({state}): {msg}", or
	// "{errno}: {msg}" without a SQLSTATE ("2003: Can't connect to MySQL server on 'h:3306' (111 Connection refused)").
	reMySQLConnector = regexp.MustCompile(`^(\d{4})(?: \([0-9a-z]{5}\))?: `)
	// PyMySQL / mysqlclient: "(1146, \"Table 'x' doesn't exist\")".
	reMySQLTuple = regexp.MustCompile(`\((\d{4}), ["']`)
	// PHP PDO MySQL: "SQLSTATE[42S02]: Base table or view not found: 1146 Table ..."
	// and connection errors "SQLSTATE[HY000] [2002] Connection refused".
	rePDOMySQL = regexp.MustCompile(`sqlstate\[[0-9a-z]{5}\](?: \[(\d{4})\]|: [^:\n]{1,80}: (\d{4}) )`)
	// node mysql/mysql2 and others: "errno: 1205", "ER_LOCK_DEADLOCK".
	reMySQLErrno = regexp.MustCompile(`\berrno:? ?(\d{4})\b`)
	reMySQLName  = regexp.MustCompile(`\b(er_[a-z0-9_]+)\b`)
	// Oracle.
	reORA = regexp.MustCompile(`\bora-(\d{5})\b`)
	// SQLSTATE in pgx "(SQLSTATE 42P01)", PDO "SQLSTATE[42P01]", JDBC "SQLState: 42P01".
	reSQLSTATE = regexp.MustCompile(`sql ?state(?: code)?\s*[\[(:=]?\s*([0-9a-z]{5})\b`)
	// vertica-sql-go VError.Error(): "%s %s: [%s] %s" (severity, error code, SQLSTATE, message), as
	// "FATAL 3781: [28000] Invalid username or password"; a severity first, as r2dbc-postgresql's
	// "PostgresConnectionException: [08003] Cannot connect" (a refusal, its cause says) has none.
	reBracketSQLSTATE = regexp.MustCompile(`(?:^|: )(?:error|fatal|panic|rollback)(?: \d+)?: \[([0-9][0-9a-z]{4})\] `)
	// pyodbc's error args (mkleehammer/pyodbc src/errors.cpp RaiseErrorFromHandle): the ODBC SQLSTATE, then the
	// driver's message led by it, "('08001', '[08001] [Microsoft][ODBC Driver 18 for SQL Server]TCP Provider: ...')".
	reODBCArgs = regexp.MustCompile(`^\('([0-9a-z]{5})', ["']\[([0-9a-z]{5})\] `)
	// ClickHouse: "Code: 60. DB::Exception: ...", "DB::Exception (516): ...",
	// clickhouse-go's "code: 60, message: ..." (reClickHouseGo, with a hint).
	reClickHouse   = regexp.MustCompile(`\bcode: (\d{1,4})\.(?: |\n)(?:db::exception|.{0,40}\ndb::exception)|db::exception \((\d{1,4})\)`)
	reClickHouseGo = regexp.MustCompile(`\bcode: (\d{1,4}), message: `)
	// Npgsql PostgresException message: "42P01: relation \"x\" does not exist".
	reNpgsql = regexp.MustCompile(`^([0-9][0-9a-z]{4}): `)
	// SqlException.ToString(): "Error Number:208,State:1,Class:16"; sqlcmd "Msg 208, Level 16".
	reMSSQL = regexp.MustCompile(`(?:error number:\s*|\bmsg )(-?\d+)`)
	// MongoDB: "E11000 duplicate key", pymongo "'code': 50, 'codeName': 'MaxTimeMSExpired'".
	reMongoCode = regexp.MustCompile(`\be(11000) |['"]codename['"]: ?['"]([a-z]+)['"]|['"]code['"]: ?(\d+)`)
	// Prisma: "P2002", only with a Prisma hint.
	rePrisma = regexp.MustCompile(`\b(p[12]\d{3})\b`)
	// SQLAlchemy: "(Background on this error at: https://sqlalche.me/e/20/3o7r)".
	reSQLAlchemy = regexp.MustCompile(`sqlalche\.me/e/\d+/([0-9a-z]{4})\b`)
)

// redisPrefixes detect Redis error replies inside messages (lower case,
// with enough of the reply text to be unambiguous).
var redisPrefixes = []struct{ needle, code string }{
	{"oom command not allowed", "OOM"},
	{"wrongpass", "WRONGPASS"},
	{"noauth authentication required", "NOAUTH"},
	{"noperm ", "NOPERM"},
	{"max number of clients reached", "ERR"},
	{"err unknown command", "ERR"},
	{"loading redis is loading", "LOADING"},
	{"masterdown ", "MASTERDOWN"},
	{"clusterdown ", "CLUSTERDOWN"},
	// Redis's READONLY reply "-READONLY You can't write against a read only replica." ("slave" before
	// Redis 5); redis-py's ReadOnlyError keeps only the text after the code.
	{"write against a read only", "READONLY"},
	{"misconf redis is configured to save rdb snapshots", "MISCONF"},
	{"busy redis is busy running a script", "BUSY"},
	{"wrongtype operation against a key", "WRONGTYPE"},
	{"noscript no matching script", "NOSCRIPT"},
	{"execabort transaction discarded", "EXECABORT"},
}

// codeInText looks for a structured code inside one lower-cased text.
func codeInText(p *prepared, s string) (*codeRow, bool) {
	if s == "" {
		return nil, false
	}
	try := func(table, c string) (*codeRow, bool) { return lookupCode(p, table, c) }
	if strings.Contains(s, "error ") {
		for _, m := range reMySQLError.FindAllStringSubmatch(s, 3) {
			if r, ok := try("mysql", m[1]); ok {
				return r, true
			}
		}
	}
	if s[0] >= '0' && s[0] <= '9' && strings.Contains(p.all, "mysql") {
		if m := reMySQLConnector.FindStringSubmatch(s); m != nil {
			if r, ok := try("mysql", m[1]); ok {
				return r, true
			}
		}
	}
	if strings.Contains(s, "sqlstate[") {
		if m := rePDOMySQL.FindStringSubmatch(s); m != nil {
			n := m[1]
			if n == "" {
				n = m[2]
			}
			if r, ok := try("mysql", n); ok {
				return r, true
			}
		}
	}
	if strings.Contains(s, ", ") {
		if m := reMySQLTuple.FindStringSubmatch(s); m != nil {
			if r, ok := try("mysql", m[1]); ok {
				return r, true
			}
		}
	}
	if strings.Contains(s, "errno") {
		if m := reMySQLErrno.FindStringSubmatch(s); m != nil {
			if r, ok := try("mysql", m[1]); ok {
				return r, true
			}
		}
	}
	if strings.Contains(s, "er_") {
		for _, m := range reMySQLName.FindAllStringSubmatch(s, 3) {
			if r, ok := try("mysql", m[1]); ok {
				return r, true
			}
		}
	}
	if strings.Contains(s, "ora-") {
		for _, m := range reORA.FindAllStringSubmatch(s, 4) {
			if r, ok := try("oracle", "ORA-"+m[1]); ok {
				return r, true
			}
		}
	}
	if strings.Contains(s, "state") {
		for _, m := range reSQLSTATE.FindAllStringSubmatch(s, 3) {
			if r, ok := lookupSQLSTATE(p, m[1]); ok {
				return r, true
			}
		}
	}
	if strings.Contains(s, "db::exception") {
		if m := reClickHouse.FindStringSubmatch(s); m != nil {
			if r, ok := try("clickhouse", m[1]+m[2]); ok {
				return r, true
			}
		}
	}
	if p.system == "clickhouse" || strings.Contains(p.all, "clickhouse") {
		if m := reClickHouseGo.FindStringSubmatch(s); m != nil {
			if r, ok := try("clickhouse", m[1]); ok {
				return r, true
			}
		}
	}
	if strings.HasPrefix(s, "('") {
		if m := reODBCArgs.FindStringSubmatch(s); m != nil && m[1] == m[2] {
			if r, ok := lookupSQLSTATE(p, m[1]); ok {
				return r, true
			}
		}
	}
	if strings.Contains(s, ": [") {
		if m := reBracketSQLSTATE.FindStringSubmatch(s); m != nil {
			if r, ok := lookupSQLSTATE(p, m[1]); ok {
				return r, true
			}
		}
	}
	if m := reNpgsql.FindStringSubmatch(s); m != nil {
		if r, ok := lookupSQLSTATE(p, m[1]); ok {
			return r, true
		}
	}
	if strings.Contains(s, "error number") || strings.Contains(s, "msg ") {
		if m := reMSSQL.FindStringSubmatch(s); m != nil {
			if r, ok := try("mssql", m[1]); ok {
				return r, true
			}
		}
	}
	if strings.Contains(s, "e11000 ") || strings.Contains(s, "code") {
		for _, m := range reMongoCode.FindAllStringSubmatch(s, 4) {
			switch {
			case m[1] != "":
				return try("mongodb", m[1])
			case m[2] != "":
				if r, ok := try("mongodb", m[2]); ok {
					return r, true
				}
			case m[3] != "" && p.system == "mongodb":
				if r, ok := try("mongodb", m[3]); ok {
					return r, true
				}
			}
		}
	}
	if p.system == "redis" || p.system == "" || strings.Contains(p.all, "redis") {
		for _, rp := range redisPrefixes {
			if strings.Contains(s, rp.needle) {
				if r, ok := try("redis", rp.code); ok {
					return r, true
				}
			}
		}
	}
	if strings.Contains(p.all, "prisma") {
		for _, m := range rePrisma.FindAllStringSubmatch(s, 3) {
			if r, ok := try("prisma", m[1]); ok {
				return r, true
			}
		}
	}
	return nil, false
}

// sqlalchemyCode reads the code of SQLAlchemy's error link in the messages
// (innermost first) or the status description.
func sqlalchemyCode(p *prepared) (*codeRow, bool) {
	if !strings.Contains(p.all, "sqlalche.me/e/") {
		return nil, false
	}
	for i := range p.levels {
		if r, ok := sqlalchemyCodeIn(p, p.levels[i].msgLower); ok {
			return r, true
		}
	}
	return sqlalchemyCodeIn(p, p.statusLower)
}

func sqlalchemyCodeIn(p *prepared, s string) (*codeRow, bool) {
	if m := reSQLAlchemy.FindStringSubmatch(s); m != nil {
		return lookupCode(p, "sqlalchemy", m[1])
	}
	return nil, false
}
