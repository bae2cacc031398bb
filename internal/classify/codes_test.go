package classify

import (
	"testing"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/diagnosis"
)

var sqlstateCases = register([]tc{
	// PostgreSQL through pgx: code only in the message, on a database span.
	{"postgresql.sqlstate.42P01", "database_query/undefined_table", dbx("postgresql", "*pgconn.PgError", `ERROR: relation "orders" does not exist (SQLSTATE 42P01)`)},
	{"postgresql.sqlstate.42703", "database_query/undefined_column", dbx("postgresql", "*pgconn.PgError", `ERROR: column "totl" does not exist (SQLSTATE 42703)`)},
	{"postgresql.sqlstate.42601", "database_query/syntax_error", dbx("postgresql", "*pgconn.PgError", `ERROR: syntax error at or near "FORM" (SQLSTATE 42601)`)},
	{"postgresql.sqlstate.42883", "database_query/undefined_function", dbc("postgresql", "42883", `ERROR: function lower(integer) does not exist`)},
	{"postgresql.sqlstate.42501", "configuration_error/permission_denied", dbc("postgresql", "42501", `ERROR: permission denied for table orders`)},
	{"postgresql.sqlstate.23505", "database_query/constraint_violation", dbc("postgresql", "23505", `ERROR: duplicate key value violates unique constraint "users_email_key"`)},
	{"postgresql.sqlstate.23503", "database_query/constraint_violation", dbc("postgresql", "23503", `ERROR: insert or update on table "order_items" violates foreign key constraint "order_items_order_id_fkey"`)},
	{"postgresql.sqlstate.23502", "database_query/constraint_violation", dbc("postgresql", "23502", `ERROR: null value in column "email" of relation "users" violates not-null constraint`)},
	{"postgresql.sqlstate.23514", "database_query/constraint_violation", dbc("postgresql", "23514", `ERROR: new row for relation "products" violates check constraint "price_positive"`)},
	{"postgresql.sqlstate.22P02", "database_query/data_exception", dbc("postgresql", "22P02", `ERROR: invalid input syntax for type integer: "abc"`)},
	{"postgresql.sqlstate.22001", "database_query/data_exception", dbc("postgresql", "22001", `ERROR: value too long for type character varying(20)`)},
	{"postgresql.sqlstate.22003", "database_query/data_exception", dbc("postgresql", "22003", `ERROR: integer out of range`)},
	{"postgresql.sqlstate.22012", "database_query/data_exception", dbc("postgresql", "22012", `ERROR: division by zero`)},
	{"postgresql.sqlstate.08001", "database_connection/connection_refused", dbc("postgresql", "08001", `could not connect to server`)},
	{"postgresql.sqlstate.08004", "database_connection/connection_refused", dbc("postgresql", "08004", `server rejected the connection`)},
	{"postgresql.sqlstate.08006", "database_connection/connection_reset", dbc("postgresql", "08006", `connection failure`)},
	// PDO pgsql's connect failures: TBroTeam/TBro#57 (max_connections reached), and libpq's other connect errors.
	{"postgresql.sqlstate.08006.too_many", "database_connection/too_many_connections", st(`Error!: SQLSTATE[08006] [7] FATAL:  sorry, too many clients already<br/>`)},
	{"postgresql.sqlstate.08006.auth", "database_connection/authentication_failed", ex("PDOException", `SQLSTATE[08006] [7] FATAL:  password authentication failed for user "app"`)},
	{"postgresql.sqlstate.08006.dns", "database_connection/dns_failure", ex("PDOException", `SQLSTATE[08006] [7] could not translate host name "db" to address: Name or service not known`)},
	{"postgresql.sqlstate.08006.refused", "database_connection/connection_refused", ex(`Illuminate\Database\QueryException`, "SQLSTATE[08006] [7] could not connect to server: Connection refused\n\tIs the server running on host \"127.0.0.1\" and accepting\n\tTCP/IP connections on port 5432?")},
	{"postgresql.sqlstate.08003", "database_connection/connection_reset", dbc("postgresql", "08003", `connection does not exist`)},
	{"postgresql.sqlstate.08P01", "database_connection/connection_reset", dbc("postgresql", "08P01", `protocol violation`)},
	{"postgresql.sqlstate.28000", "database_connection/authentication_failed", dbc("postgresql", "28000", `FATAL: role "app" does not exist`)},
	{"postgresql.sqlstate.28P01", "database_connection/authentication_failed", dbx("postgresql", "*pgconn.ConnectError", `failed to connect to `+"`user=app database=shop`"+`: 10.0.0.5:5432 (db): server error: FATAL: password authentication failed for user "app" (SQLSTATE 28P01)`)},
	{"postgresql.sqlstate.3D000", "database_connection/unknown_database", dbc("postgresql", "3D000", `FATAL: database "shop" does not exist`)},
	{"postgresql.sqlstate.53300", "database_connection/too_many_connections", dbc("postgresql", "53300", `FATAL: sorry, too many clients already`)},
	{"postgresql.sqlstate.53200", "resource_exhaustion/out_of_memory", dbc("postgresql", "53200", `ERROR: out of memory`)},
	{"postgresql.sqlstate.53100", "resource_exhaustion/disk_full", dbc("postgresql", "53100", `ERROR: could not extend file "base/16384/16397": No space left on device`)},
	{"postgresql.sqlstate.57014", "database_timeout/statement_timeout", dbc("postgresql", "57014", `ERROR: canceling statement due to statement timeout`)},
	{"postgresql.sqlstate.57014.user_request", "database_timeout/query_canceled", dbc("postgresql", "57014", `ERROR: canceling statement due to user request`)},
	{"postgresql.sqlstate.57P01", "database_connection/connection_reset", dbc("postgresql", "57P01", `FATAL: terminating connection due to administrator command`)},
	{"postgresql.sqlstate.57P02", "database_connection/connection_reset", dbc("postgresql", "57P02", `FATAL: terminating connection due to crash of another server process`)},
	{"postgresql.sqlstate.57P03", "database_connection/server_unavailable", dbc("postgresql", "57P03", `FATAL: the database system is starting up`)},
	{"postgresql.sqlstate.57P05", "database_connection/connection_reset", dbc("postgresql", "57P05", `FATAL: terminating connection due to idle-session timeout`)},
	{"postgresql.sqlstate.55P03", "database_timeout/lock_timeout", dbc("postgresql", "55P03", `ERROR: canceling statement due to lock timeout`)},
	{"postgresql.sqlstate.40P01", "database_query/deadlock", dbc("postgresql", "40P01", `ERROR: deadlock detected`)},
	{"postgresql.sqlstate.40001", "database_query/serialization_failure", dbc("postgresql", "40001", `ERROR: could not serialize access due to concurrent update`)},
	{"sqlstate.25006", "database_connection/read_only_replica", dbc("postgresql", "25006", `ERROR: cannot execute UPDATE in a read-only transaction`)},
	{"postgresql.sqlstate.25P03", "database_timeout/statement_timeout", dbc("postgresql", "25P03", `FATAL: terminating connection due to idle-in-transaction timeout`)},
	{"mysql.sqlstate.40001", "database_query/deadlock", dbc("mysql", "40001", `Deadlock found when trying to get lock; try restarting transaction`)},
	// Standard / ODBC SQLSTATEs (MySQL, SQL Server drivers).
	{"sqlstate.08S01", "database_connection/connection_reset", dbc("mysql", "08S01", `Communications link failure`)},
	{"sqlstate.42S02", "database_query/undefined_table", dbc("mysql", "42S02", `Table 'shop.orders' doesn't exist`)},
	{"sqlstate.42S22", "database_query/undefined_column", dbc("mysql", "42S22", `Unknown column 'totl' in 'field list'`)},
	{"sqlstate.42000", "database_query/syntax_error", dbc("mssql", "42000", `Incorrect syntax near 'FORM'.`)},
	{"sqlstate.HYT00", "database_timeout/statement_timeout", dbc("mssql", "HYT00", `[Microsoft][ODBC Driver 18 for SQL Server]Query timeout expired`)},
	{"sqlstate.HYT01", "database_connection/connect_timeout", dbc("mssql", "HYT01", `[Microsoft][ODBC Driver 18 for SQL Server]Login timeout expired`)},
	// Class fallbacks for codes not listed exactly.
	{"sqlstate.class.08", "database_connection/connection_refused", dbc("postgresql", "08007", `transaction resolution unknown`)},
	{"sqlstate.class.28", "database_connection/authentication_failed", dbc("", "28001", ``)},
	{"sqlstate.class.53", "resource_exhaustion/out_of_memory", dbc("postgresql", "53400", `ERROR: configuration limit exceeded`)},
	{"sqlstate.class.57", "database_connection/connection_reset", dbc("postgresql", "57000", `operator intervention`)},
	{"sqlstate.class.40", "database_query/serialization_failure", dbc("postgresql", "40003", `statement completion unknown`)},
	{"sqlstate.class.42", "database_query/syntax_error", dbc("postgresql", "42P10", `ERROR: there is no unique or exclusion constraint matching the ON CONFLICT specification`)},
	{"sqlstate.class.23", "database_query/constraint_violation", dbc("postgresql", "23P01", `ERROR: conflicting key value violates exclusion constraint "no_overlap"`)},
	{"sqlstate.class.22", "database_query/data_exception", dbc("postgresql", "22007", `ERROR: invalid datetime format`)},
	{"sqlstate.class.3D", "database_connection/unknown_database", dbc("", "3D001", ``)},
	{"sqlstate.class.58", "resource_exhaustion/disk_full", dbc("postgresql", "58030", `ERROR: could not write to file "pg_wal/xlogtemp.123"`)},
	// pyodbc's error args lead with the ODBC SQLSTATE (msodbcsql's messages as SQL Server's driver prints them).
	{"sqlstate.HYT00.login", "database_connection/connect_timeout", ex("pyodbc.OperationalError", `('HYT00', '[HYT00] [Microsoft][ODBC Driver 18 for SQL Server]Login timeout expired (0) (SQLDriverConnect)')`)},
	{"sqlstate.HYT00", "database_timeout/statement_timeout", ex("pyodbc.OperationalError", `('HYT00', '[HYT00] [Microsoft][ODBC Driver 18 for SQL Server]Query timeout expired (0) (SQLExecDirectW)')`)},
	{"postgresql.sqlstate.28000", "database_connection/authentication_failed", ex("pyodbc.InterfaceError", `('28000', "[28000] [Microsoft][ODBC Driver 18 for SQL Server][SQL Server]Login failed for user 'sa'. (18456) (SQLDriverConnect)")`)},
	{"postgresql.sqlstate.08001", "database_connection/connection_refused", ex("pyodbc.OperationalError", `('08001', '[08001] [Microsoft][ODBC Driver 17 for SQL Server]TCP Provider: Error code 0x2749 (10057) (SQLDriverConnect)')`)},
})

var mysqlCases = register([]tc{
	// mysql-connector-python's own "errno: msg" text, bare and wrapped by SQLAlchemy; a leading number elsewhere is no code.
	{"mysql.error.2003", "database_connection/connection_refused", ex("mysql.connector.errors.InterfaceError", `2003: Can't connect to MySQL server on 'db:3306' (111 Connection refused)`)},
	{"mysql.error.2003", "database_connection/connection_refused", ex("sqlalchemy.exc.InterfaceError", `(mysql.connector.errors.InterfaceError) 2003: Can't connect to MySQL server on 'db:3306' (10061 No connection could be made because the target machine actively refused it)`)},
	{"generic.exception", "application_exception/unhandled_exception", ex("Error", `2003: quota of widgets reached`)},
	{"mysql.error.1040", "database_connection/too_many_connections", dbx("mysql", "*mysql.MySQLError", `Error 1040: Too many connections`)},
	{"mysql.error.1203", "database_connection/too_many_connections", dbc("mysql", "1203", `User app already has more than 'max_user_connections' active connections`)},
	{"mysql.error.1226", "database_connection/too_many_connections", dbc("mariadb", "1226", `User 'app' has exceeded the 'max_user_connections' resource (current value: 10)`)},
	{"mysql.error.1045", "database_connection/authentication_failed", dbx("mysql", "*mysql.MySQLError", `Error 1045 (28000): Access denied for user 'app'@'localhost' (using password: YES)`)},
	{"mysql.error.1044", "database_connection/authentication_failed", dbc("mysql", "1044", `Access denied for user 'app'@'%' to database 'shop'`)},
	{"mysql.error.1044", "database_connection/authentication_failed", ex("Error", `ER_DBACCESS_DENIED_ERROR: Access denied for user ''@'localhost' to database 'discord_bot_rpg'`)},
	// vertica-sql-go VError: "<severity> <code>: [<SQLSTATE>] <message>" (vertica/vertica-sql-go#57).
	{"postgresql.sqlstate.28000", "database_connection/authentication_failed", goErr(`Error: [28000] Invalid username or password`)},
	{"postgresql.sqlstate.42601", "database_query/syntax_error", goErr(`query orders: ERROR 4856: [42601] Syntax error at or near "FORM"`)},
	// r2dbc-postgresql's PostgresConnectionException "[08003] Cannot connect to ..." says no more than its cause.
	{"java.ConnectException", "database_connection/connection_refused", exs("io.r2dbc.postgresql.PostgresqlConnectionFactory$PostgresConnectionException", "[08003] Cannot connect to 127.0.0.1/<unresolved>:5432",
		"io.r2dbc.postgresql.PostgresqlConnectionFactory$PostgresConnectionException: [08003] Cannot connect to 127.0.0.1/<unresolved>:5432\n\tat io.r2dbc.postgresql.PostgresqlConnectionFactory.cannotConnect(PostgresqlConnectionFactory.java:188)\nCaused by: io.netty.channel.AbstractChannel$AnnotatedConnectException: Connection refused: /127.0.0.1:5432\nCaused by: java.net.ConnectException: Connection refused\n\tat java.base/sun.nio.ch.Net.pollConnect(Native Method)\n")},
	{"mysql.error.1142", "configuration_error/permission_denied", dbc("mysql", "1142", `DELETE command denied to user 'app'@'10.0.0.7' for table 'orders'`)},
	{"mysql.error.1143", "configuration_error/permission_denied", dbc("mysql", "1143", `SELECT command denied to user 'app'@'%' for column 'ssn' in table 'users'`)},
	{"mysql.error.1049", "database_connection/unknown_database", ex("pymysql.err.OperationalError", `(1049, "Unknown database 'shop'")`)},
	{"mysql.error.2002", "database_connection/connection_refused", ex("PDOException", `SQLSTATE[HY000] [2002] Connection refused`)},
	// guillaumebriday/todolist-backend-laravel#7, firefly-iii/firefly-iii#1734 (DB_HOST a container not up, or
	// left as CHANGEME); PHP 8.1+ names the host.
	{"mysql.error.2002.dns", "database_connection/dns_failure", ex(`Illuminate\Database\QueryException`, `SQLSTATE[HY000] [2002] php_network_getaddresses: getaddrinfo failed: Name or service not known (SQL: select * from information_schema.tables where table_schema = laravel and table_name = migrations)`)},
	{"mysql.error.2002.dns", "database_connection/dns_failure", ex("PDOException", `SQLSTATE[HY000] [2002] php_network_getaddresses: getaddrinfo for mariadb failed: Name or service not known`)},
	{"mysql.error.2002.timeout", "database_connection/connect_timeout", ex("PDOException", `SQLSTATE[HY000] [2002] Connection timed out`)},
	{"mysql.error.2003", "database_connection/connection_refused", ex("MySQLdb.OperationalError", `(2003, "Can't connect to MySQL server on 'db:3306' (111)")`)},
	// PyMySQL's 2003 carries the socket error's text: DarkflameUniverse/AccountManager#7 (a host that does not
	// resolve), and a socket.timeout.
	{"mysql.error.2003.dns", "database_connection/dns_failure", ex("sqlalchemy.exc.OperationalError", `(pymysql.err.OperationalError) (2003, "Can't connect to MySQL server on 'mysql' ([Errno -2] Name or service not known)")`)},
	{"mysql.error.2003.dns", "database_connection/dns_failure", ex("pymysql.err.OperationalError", `(2003, "Can't connect to MySQL server on 'mysql' ([Errno -2] Name does not resolve)")`)},
	{"mysql.error.2003.dns", "database_connection/dns_failure", ex("pymysql.err.OperationalError", `(2003, "Can't connect to MySQL server on 'db' ([Errno -3] Temporary failure in name resolution)")`)},
	{"mysql.error.2003.timeout", "database_connection/connect_timeout", ex("pymysql.err.OperationalError", `(2003, "Can't connect to MySQL server on '10.0.0.5' (timed out)")`)},
	{"mysql.error.2003", "database_connection/connection_refused", ex("pymysql.err.OperationalError", `(2003, "Can't connect to MySQL server on 'localhost' ([Errno 111] Connection refused)")`)},
	{"mysql.error.2005", "database_connection/dns_failure", ex("MySQLdb.OperationalError", `(2005, "Unknown MySQL server host 'mysql-primary' (-2)")`)},
	{"mysql.error.2006", "database_connection/connection_reset", ex("pymysql.err.OperationalError", `(2006, "MySQL server has gone away (BrokenPipeError(32, 'Broken pipe'))")`)},
	{"mysql.error.2013", "database_connection/connection_reset", ex("pymysql.err.OperationalError", `(2013, 'Lost connection to MySQL server during query')`)},
	{"mysql.error.2026", "database_connection/tls_failure", dbc("mysql", "2026", `SSL connection error: error:0A000086:SSL routines::certificate verify failed`)},
	{"mysql.error.4031", "database_connection/connection_reset", dbc("mysql", "4031", `The client was disconnected by the server because of inactivity.`)},
	{"mysql.error.1053", "database_connection/connection_reset", dbc("mysql", "1053", `Server shutdown in progress`)},
	{"mysql.error.1205", "database_timeout/lock_timeout", dbx("mysql", "*mysql.MySQLError", `Error 1205 (HY000): Lock wait timeout exceeded; try restarting transaction`)},
	{"mysql.error.1213", "database_query/deadlock", dbx("mysql", "*mysql.MySQLError", `Error 1213 (40001): Deadlock found when trying to get lock; try restarting transaction`)},
	{"mysql.error.3024", "database_timeout/statement_timeout", dbx("mysql", "*mysql.MySQLError", `Error 3024 (HY000): Query execution was interrupted, maximum statement execution time exceeded`)},
	{"mysql.error.1969", "database_timeout/statement_timeout", dbc("mariadb", "1969", `Query execution was interrupted (max_statement_time exceeded)`)},
	{"mysql.error.1317", "database_timeout/query_canceled", dbc("mysql", "1317", `Query execution was interrupted`)},
	{"mysql.error.3572", "database_timeout/lock_timeout", dbc("mysql", "3572", `Statement aborted because lock(s) could not be acquired immediately and NOWAIT is set.`)},
	{"mysql.error.1146", "database_query/undefined_table", dbx("mysql", "*mysql.MySQLError", `Error 1146 (42S02): Table 'shop.orders' doesn't exist`)},
	{"mysql.error.1075", "database_query/orm_mapping", goErr("Error 1075: Incorrect table definition; there can be only one auto column and it must be defined as a key")},
	{"mysql.error.1054", "database_query/undefined_column", dbx("mysql", "*mysql.MySQLError", `Error 1054 (42S22): Unknown column 'totl' in 'field list'`)},
	{"mysql.error.1064", "database_query/syntax_error", ex("Illuminate\\Database\\QueryException", `SQLSTATE[42000]: Syntax error or access violation: 1064 You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near 'FORM orders' at line 1`)},
	{"mysql.error.1305", "database_query/undefined_function", dbc("mysql", "1305", `FUNCTION shop.calc_tax does not exist`)},
	{"mysql.error.1062", "database_query/constraint_violation", dbx("mysql", "*mysql.MySQLError", `Error 1062 (23000): Duplicate entry 'a@example.com' for key 'users.email'`)},
	{"mysql.error.1451", "database_query/constraint_violation", dbc("mysql", "1451", `Cannot delete or update a parent row: a foreign key constraint fails`)},
	{"mysql.error.1452", "database_query/constraint_violation", ex("PDOException", `SQLSTATE[23000]: Integrity constraint violation: 1452 Cannot add or update a child row: a foreign key constraint fails`)},
	{"mysql.error.1048", "database_query/constraint_violation", dbc("mysql", "1048", `Column 'email' cannot be null`)},
	{"mysql.error.1364", "database_query/constraint_violation", dbc("mysql", "1364", `Field 'name' doesn't have a default value`)},
	{"mysql.error.1406", "database_query/data_exception", dbc("mysql", "1406", `Data too long for column 'name' at row 1`)},
	{"mysql.error.1264", "database_query/data_exception", dbc("mysql", "1264", `Out of range value for column 'qty' at row 1`)},
	{"mysql.error.1366", "database_query/data_exception", dbc("mysql", "1366", `Incorrect integer value: 'abc' for column 'qty' at row 1`)},
	{"mysql.error.1020", "database_query/serialization_failure", dbc("mysql", "1020", `Record has changed since last read in table 'stock'`)},
	{"mysql.error.1041", "resource_exhaustion/out_of_memory", dbc("mysql", "1041", `Out of memory; check if mysqld or some other process uses all available memory`)},
	{"mysql.error.1037", "resource_exhaustion/out_of_memory", dbc("mysql", "1037", `Out of memory; restart server and try again (needed 65536 bytes)`)},
	{"mysql.error.1021", "resource_exhaustion/disk_full", dbc("mysql", "1021", `Disk full (/tmp/#sql_1_0.MAI); waiting for someone to free some space...`)},
	{"mysql.error.1114", "resource_exhaustion/disk_full", dbc("mysql", "1114", `The table 'events' is full`)},
	{"mysql.error.1290.read_only", "database_connection/read_only_replica", dbc("mysql", "1290", `The MySQL server is running with the --read-only option so it cannot execute this statement`)},
	// node mysql2 puts ER_ names in err.code; as error.type on a database span.
	{"mysql.error.1213", "database_query/deadlock", diagnosis.Evidence{Kind: diagnosis.KindDB, DBSystem: "mysql", ErrorType: "ER_LOCK_DEADLOCK", StatusError: true}},
})

var mssqlCases = register([]tc{
	{"mssql.error.208", "database_query/undefined_table", dbc("microsoft.sql_server", "208", `Invalid object name 'dbo.Orders'.`)},
	{"mssql.error.207", "database_query/undefined_column", dbc("mssql", "207", `Invalid column name 'Totl'.`)},
	{"mssql.error.207.efcore", "database_query/orm_mapping", exs("Microsoft.Data.SqlClient.SqlException", `Invalid column name 'Discount'.`,
		"Microsoft.Data.SqlClient.SqlException (0x80131904): Invalid column name 'Discount'.\n   at Microsoft.Data.SqlClient.SqlConnection.OnError(SqlException exception)\n   at Microsoft.EntityFrameworkCore.Query.Internal.SingleQueryingEnumerable`1.AsyncEnumerator.MoveNextAsync()\nClientConnectionId:5f2c\nError Number:207,State:1,Class:16")},
	{"mssql.error.102", "database_query/syntax_error", dbc("mssql", "102", `Incorrect syntax near 'FORM'.`)},
	{"mssql.error.156", "database_query/syntax_error", dbc("mssql", "156", `Incorrect syntax near the keyword 'FROM'.`)},
	{"mssql.error.105", "database_query/syntax_error", dbc("mssql", "105", `Unclosed quotation mark after the character string 'abc'.`)},
	{"mssql.error.2812", "database_query/undefined_function", dbc("mssql", "2812", `Could not find stored procedure 'dbo.usp_GetOrders'.`)},
	{"mssql.error.2627", "database_query/constraint_violation", dbc("mssql", "2627", `Violation of PRIMARY KEY constraint 'PK_Orders'. Cannot insert duplicate key in object 'dbo.Orders'. The duplicate key value is (42).`)},
	{"mssql.error.2601", "database_query/constraint_violation", dbc("mssql", "2601", `Cannot insert duplicate key row in object 'dbo.Users' with unique index 'IX_Users_Email'.`)},
	{"mssql.error.547", "database_query/constraint_violation", dbc("mssql", "547", `The INSERT statement conflicted with the FOREIGN KEY constraint "FK_Items_Orders".`)},
	{"mssql.error.515", "database_query/constraint_violation", dbc("mssql", "515", `Cannot insert the value NULL into column 'Email', table 'shop.dbo.Users'; column does not allow nulls. INSERT fails.`)},
	{"mssql.error.8152", "database_query/data_exception", dbc("mssql", "8152", `String or binary data would be truncated.`)},
	{"mssql.error.2628", "database_query/data_exception", dbc("mssql", "2628", `String or binary data would be truncated in table 'shop.dbo.Users', column 'Name'.`)},
	{"mssql.error.245", "database_query/data_exception", dbc("mssql", "245", `Conversion failed when converting the varchar value 'abc' to data type int.`)},
	{"mssql.error.8134", "database_query/data_exception", dbc("mssql", "8134", `Divide by zero error encountered.`)},
	{"mssql.error.1205", "database_query/deadlock", dbc("mssql", "1205", `Transaction (Process ID 52) was deadlocked on lock resources with another process and has been chosen as the deadlock victim. Rerun the transaction.`)},
	{"mssql.error.3960", "database_query/serialization_failure", dbc("mssql", "3960", `Snapshot isolation transaction aborted due to update conflict.`)},
	{"mssql.error.1222", "database_timeout/lock_timeout", dbc("mssql", "1222", `Lock request time out period exceeded.`)},
	{"mssql.error.-2", "database_timeout/statement_timeout", dbc("mssql", "-2", `Execution Timeout Expired.  The timeout period elapsed prior to completion of the operation or the server is not responding.`)},
	{"mssql.error.3980", "database_timeout/query_canceled", dbc("mssql", "3980", `The request failed to run because the batch is aborted.`)},
	{"mssql.error.18456", "database_connection/authentication_failed", dbc("mssql", "18456", `Login failed for user 'app'.`)},
	{"mssql.error.4060", "database_connection/unknown_database", dbc("mssql", "4060", `Cannot open database "Shop" requested by the login. The login failed.`)},
	{"mssql.error.53", "database_connection/connection_refused", dbc("mssql", "53", `A network-related or instance-specific error occurred while establishing a connection to SQL Server.`)},
	{"mssql.error.10061", "database_connection/connection_refused", dbc("mssql", "10061", `A network-related or instance-specific error occurred (provider: TCP Provider, error: 0 - No connection could be made because the target machine actively refused it.)`)},
	{"mssql.error.10060", "database_connection/connect_timeout", dbc("mssql", "10060", `A connection attempt failed because the connected party did not properly respond after a period of time`)},
	{"mssql.error.10054", "database_connection/connection_reset", dbc("mssql", "10054", `An existing connection was forcibly closed by the remote host.`)},
	{"mssql.error.233", "database_connection/connection_reset", dbc("mssql", "233", `No process is on the other end of the pipe.`)},
	{"mssql.error.40613", "database_connection/server_unavailable", dbc("mssql", "40613", `Database 'shop' on server 'sql1' is not currently available.`)},
	{"mssql.error.229", "configuration_error/permission_denied", dbc("mssql", "229", `The SELECT permission was denied on the object 'Orders', database 'Shop', schema 'dbo'.`)},
	{"mssql.error.701", "resource_exhaustion/out_of_memory", dbc("mssql", "701", `There is insufficient system memory in resource pool 'default' to run this query.`)},
	{"mssql.error.1105", "resource_exhaustion/disk_full", dbc("mssql", "1105", `Could not allocate space for object 'dbo.Events' in database 'Shop' because the 'PRIMARY' filegroup is full.`)},
	{"mssql.error.9002", "resource_exhaustion/disk_full", dbc("mssql", "9002", `The transaction log for database 'Shop' is full due to 'LOG_BACKUP'.`)},
	// SqlException.ToString() carries the number on a plain span.
	{"mssql.error.208", "database_query/undefined_table", exs("Microsoft.Data.SqlClient.SqlException", `Invalid object name 'dbo.Orderz'.`,
		"Microsoft.Data.SqlClient.SqlException (0x80131904): Invalid object name 'dbo.Orderz'.\n   at Microsoft.Data.SqlClient.SqlCommand.ExecuteReader()\nClientConnectionId:1b6e\nError Number:208,State:1,Class:16")},
})

var oracleCases = register([]tc{
	{"oracle.ORA-00942", "database_query/undefined_table", ex("java.sql.SQLSyntaxErrorException", `ORA-00942: table or view does not exist`)},
	{"oracle.ORA-00904", "database_query/undefined_column", ex("java.sql.SQLSyntaxErrorException", `ORA-00904: "TOTL": invalid identifier`)},
	{"oracle.ORA-00900", "database_query/syntax_error", dbc("oracle", "ORA-00900", `ORA-00900: invalid SQL statement`)},
	{"oracle.ORA-00933", "database_query/syntax_error", ex("cx_Oracle.DatabaseError", `ORA-00933: SQL command not properly ended`)},
	{"oracle.ORA-00936", "database_query/syntax_error", dbc("oracle", "936", `missing expression`)},
	{"oracle.ORA-00001", "database_query/constraint_violation", ex("java.sql.SQLIntegrityConstraintViolationException", `ORA-00001: unique constraint (SHOP.PK_ORDERS) violated`)},
	{"oracle.ORA-02291", "database_query/constraint_violation", ex("oracledb.exceptions.IntegrityError", `ORA-02291: integrity constraint (SHOP.FK_ITEMS) violated - parent key not found`)},
	{"oracle.ORA-02292", "database_query/constraint_violation", ex("java.sql.SQLIntegrityConstraintViolationException", `ORA-02292: integrity constraint (SHOP.FK_ITEMS) violated - child record found`)},
	{"oracle.ORA-01400", "database_query/constraint_violation", dbc("oracle.db", "ORA-01400", `ORA-01400: cannot insert NULL into ("SHOP"."USERS"."EMAIL")`)},
	{"oracle.ORA-01722", "database_query/data_exception", dbc("oracle", "ORA-01722", `ORA-01722: invalid number`)},
	{"oracle.ORA-12899", "database_query/data_exception", dbc("oracle", "ORA-12899", `ORA-12899: value too large for column "SHOP"."USERS"."NAME" (actual: 40, maximum: 20)`)},
	{"oracle.ORA-00060", "database_query/deadlock", ex("java.sql.SQLException", `ORA-00060: deadlock detected while waiting for resource`)},
	{"oracle.ORA-08177", "database_query/serialization_failure", dbc("oracle", "ORA-08177", `ORA-08177: can't serialize access for this transaction`)},
	{"oracle.ORA-00054", "database_timeout/lock_timeout", dbc("oracle", "ORA-00054", `ORA-00054: resource busy and acquire with NOWAIT specified or timeout expired`)},
	{"oracle.ORA-30006", "database_timeout/lock_timeout", dbc("oracle", "ORA-30006", `ORA-30006: resource busy; acquire with WAIT timeout expired`)},
	{"oracle.ORA-01013", "database_timeout/query_canceled", ex("java.sql.SQLTimeoutException", `ORA-01013: user requested cancel of current operation`)},
	{"oracle.ORA-01017", "database_connection/authentication_failed", ex("java.sql.SQLException", `ORA-01017: invalid username/password; logon denied`)},
	{"oracle.ORA-28000", "database_connection/authentication_failed", dbc("oracle", "ORA-28000", `ORA-28000: The account is locked.`)},
	{"oracle.ORA-12541", "database_connection/connection_refused", ex("java.sql.SQLRecoverableException", `IO Error: ORA-12541: Cannot connect. No listener at host db port 1521.`)},
	{"oracle.ORA-12514", "database_connection/unknown_database", dbc("oracle", "ORA-12514", `ORA-12514: TNS:listener does not currently know of service requested in connect descriptor`)},
	// node-oracledb's Error of a thin connect to a service the listener does not know; the SID form under JDBC.
	{"oracle.ORA-12514", "database_connection/unknown_database", ex("Error", `ORA-12514: Cannot connect to database. Service SHOPPDB is not registered with the listener at host db port 1521. (CONNECTION_ID=x)`)},
	{"oracle.ORA-12505", "database_connection/unknown_database", ex("java.sql.SQLException", "Listener refused the connection with the following error:\nORA-12505, TNS:listener does not currently know of SID given in connect descriptor")},
	{"oracle.ORA-12154", "database_connection/dns_failure", dbc("oracle", "ORA-12154", `ORA-12154: TNS:could not resolve the connect identifier specified`)},
	{"oracle.ORA-12170", "database_connection/connect_timeout", dbc("oracle", "ORA-12170", `ORA-12170: TNS:Connect timeout occurred`)},
	{"oracle.ORA-03113", "database_connection/connection_reset", dbc("oracle", "ORA-03113", `ORA-03113: end-of-file on communication channel`)},
	{"oracle.ORA-03114", "database_connection/connection_reset", dbc("oracle", "ORA-03114", `ORA-03114: not connected to ORACLE`)},
	{"oracle.ORA-00018", "database_connection/too_many_connections", dbc("oracle", "ORA-00018", `ORA-00018: maximum number of sessions exceeded`)},
	{"oracle.ORA-00020", "database_connection/too_many_connections", dbc("oracle", "ORA-00020", `ORA-00020: maximum number of processes (300) exceeded`)},
	{"oracle.ORA-12519", "database_connection/too_many_connections", dbc("oracle", "ORA-12519", `ORA-12519: TNS:no appropriate service handler found`)},
	{"oracle.ORA-01031", "configuration_error/permission_denied", dbc("oracle", "ORA-01031", `ORA-01031: insufficient privileges`)},
	{"oracle.ORA-24413", "configuration_error/invalid_config", ex("Error", `ORA-24413: Invalid number of sessions specified`)},
	{"oracle.ORA-04031", "resource_exhaustion/out_of_memory", dbc("oracle", "ORA-04031", `ORA-04031: unable to allocate 4160 bytes of shared memory ("shared pool","unknown object","sga heap(1,0)","kglsim object batch")`)},
	{"oracle.ORA-04030", "resource_exhaustion/out_of_memory", dbc("oracle", "ORA-04030", `ORA-04030: out of process memory when trying to allocate 16328 bytes`)},
	{"oracle.ORA-01653", "resource_exhaustion/disk_full", dbc("oracle", "ORA-01653", `ORA-01653: unable to extend table SHOP.EVENTS by 128 in tablespace USERS`)},
	{"oracle.ORA-01654", "resource_exhaustion/disk_full", dbc("oracle", "ORA-01654", `ORA-01654: unable to extend index SHOP.IX_EVENTS by 128 in tablespace USERS`)},
	{"oracle.ORA-01652", "resource_exhaustion/disk_full", dbc("oracle", "ORA-01652", `ORA-01652: unable to extend temp segment by 128 in tablespace TEMP`)},
})

var mongoCases = register([]tc{
	{"mongodb.error.11000", "database_query/constraint_violation", ex("MongoServerError", `E11000 duplicate key error collection: shop.users index: email_1 dup key: { email: "a@example.com" }`)},
	{"mongodb.error.121", "database_query/constraint_violation", dbc("mongodb", "121", `Document failed validation`)},
	{"mongodb.error.50", "database_timeout/statement_timeout", dbx("mongodb", "pymongo.errors.ExecutionTimeout", `operation exceeded time limit, full error: {'ok': 0.0, 'errmsg': 'operation exceeded time limit', 'code': 50, 'codeName': 'MaxTimeMSExpired'}`)},
	{"mongodb.error.262", "database_timeout/statement_timeout", dbc("mongodb", "262", `Exceeded time limit`)},
	{"mongodb.error.11601", "database_timeout/query_canceled", dbc("mongodb", "11601", `operation was interrupted`)},
	{"mongodb.error.18", "database_connection/authentication_failed", dbc("mongodb", "18", `Authentication failed.`)},
	{"mongodb.error.13", "configuration_error/permission_denied", dbc("mongodb", "13", `not authorized on shop to execute command { find: "orders" }`)},
	{"mongodb.error.112", "database_query/serialization_failure", dbc("mongodb", "112", `WriteConflict error: this operation conflicted with another operation. Please retry your operation or multi-document transaction.`)},
	{"mongodb.error.251", "database_query/serialization_failure", dbc("mongodb", "251", `Transaction 7 has been aborted.`)},
	{"mongodb.error.9", "database_query/syntax_error", dbc("mongodb", "9", `unknown operator: $foo`)},
	{"mongodb.error.2", "database_query/data_exception", dbc("mongodb", "2", `$in needs an array`)},
	{"mongodb.error.26", "database_query/undefined_table", dbc("mongodb", "26", `ns not found`)},
	{"mongodb.error.6", "database_connection/connection_refused", dbc("mongodb", "6", `Host unreachable`)},
	{"mongodb.error.7", "database_connection/dns_failure", dbc("mongodb", "7", `Could not find host matching read preference`)},
	{"mongodb.error.89", "database_connection/connect_timeout", dbc("mongodb", "89", `Network timeout`)},
	{"mongodb.error.9001", "database_connection/connection_reset", dbc("mongodb", "9001", `socket exception [SEND_ERROR]`)},
	{"mongodb.error.91", "database_connection/server_unavailable", dbc("mongodb", "91", `The server is in quiesce mode and will shut down`)},
	{"mongodb.error.11600", "database_connection/server_unavailable", dbc("mongodb", "11600", `interrupted at shutdown`)},
	{"mongodb.error.10107", "database_connection/read_only_replica", dbc("mongodb", "10107", `not primary`)},
	{"mongodb.error.13435", "database_connection/read_only_replica", dbc("mongodb", "13435", `not primary and secondaryOk=false`)},
	{"mongodb.error.146", "resource_exhaustion/out_of_memory", dbc("mongodb", "146", `Exceeded memory limit for $group, but didn't allow external sort.`)},
	{"mongodb.error.14031", "resource_exhaustion/disk_full", dbc("mongodb", "14031", `Cannot write: disk space is low`)},
})

var redisCases = register([]tc{
	// redis-py's ReadOnlyError without its code (jazzband/django-redis#616); redis-rb under a Lua script, Redis < 5's
	// "slave" (sidekiq/sidekiq#5271).
	{"redis.READONLY", "database_connection/read_only_replica", ex("redis.exceptions.ReadOnlyError", `You can't write against a read only replica.`)},
	{"redis.READONLY", "database_connection/read_only_replica", dbx("redis", "Redis::CommandError", `ERR Error running script (call to f_3aac19a3): @user_script:1: @user_script: 1: -READONLY You can't write against a read only slave.`)},
	{"redis.OOM", "resource_exhaustion/out_of_memory", dbx("redis", "redis.exceptions.ResponseError", `OOM command not allowed when used memory > 'maxmemory'.`)},
	{"redis.WRONGPASS", "database_connection/authentication_failed", dbx("redis", "ReplyError", `WRONGPASS invalid username-password pair or user is disabled.`)},
	{"redis.NOAUTH", "database_connection/authentication_failed", ex("*errors.errorString", `NOAUTH Authentication required.`)},
	{"redis.NOPERM", "configuration_error/permission_denied", dbc("redis", "NOPERM", `NOPERM User app has no permissions to run the 'flushall' command`)},
	{"redis.ERR.max_clients", "database_connection/too_many_connections", dbx("redis", "redis.exceptions.ConnectionError", `ERR max number of clients reached`)},
	{"redis.ERR.unknown_command", "database_query/syntax_error", dbc("redis", "ERR", `ERR unknown command 'JSON.GET', with args beginning with: 'cart:1'`)},
	{"redis.LOADING", "database_connection/server_unavailable", dbc("redis", "LOADING", `LOADING Redis is loading the dataset in memory`)},
	{"redis.MASTERDOWN", "database_connection/server_unavailable", dbc("redis", "MASTERDOWN", `MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.`)},
	{"redis.CLUSTERDOWN", "database_connection/server_unavailable", dbc("redis", "CLUSTERDOWN", `CLUSTERDOWN The cluster is down`)},
	{"redis.READONLY", "database_connection/read_only_replica", dbx("redis", "ReplyError", `READONLY You can't write against a read only replica.`)},
	{"redis.MISCONF", "resource_exhaustion/disk_full", dbx("redis", "redis.exceptions.ResponseError", `MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk.`)},
	{"redis.BUSY", "database_timeout/statement_timeout", dbc("redis", "BUSY", `BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.`)},
	{"redis.WRONGTYPE", "database_query/data_exception", dbx("redis", "redis.exceptions.ResponseError", `WRONGTYPE Operation against a key holding the wrong kind of value`)},
	{"redis.NOSCRIPT", "database_query/undefined_function", dbc("redis", "NOSCRIPT", `NOSCRIPT No matching script. Please use EVAL.`)},
	{"redis.EXECABORT", "database_query/query_error", dbc("redis", "EXECABORT", `EXECABORT Transaction discarded because of previous errors.`)},
})

var prismaCases = register([]tc{
	{"prisma.P1000", "database_connection/authentication_failed", prismaErr("P1000", "Authentication failed against database server at `db`, the provided database credentials for `app` are not valid.")},
	{"prisma.P1001", "database_connection/connection_refused", prismaErr("P1001", "Can't reach database server at `db`:`5432`")},
	{"prisma.P1002", "database_connection/connect_timeout", prismaErr("P1002", "The database server at `db`:`5432` was reached but timed out.")},
	{"prisma.P1003", "database_connection/unknown_database", prismaErr("P1003", "Database `shop` does not exist on the database server at `db:5432`.")},
	{"prisma.P1008", "database_timeout/statement_timeout", prismaErr("P1008", "Operations timed out after `10s`")},
	{"prisma.P1011", "database_connection/tls_failure", prismaErr("P1011", "Error opening a TLS connection: bad certificate")},
	{"prisma.P1017", "database_connection/connection_reset", prismaErr("P1017", "Server has closed the connection.")},
	{"prisma.P2002", "database_query/constraint_violation", prismaErr("P2002", "Unique constraint failed on the fields: (`email`)")},
	{"prisma.P2003", "database_query/constraint_violation", prismaErr("P2003", "Foreign key constraint failed on the field: `userId`")},
	{"prisma.P2011", "database_query/constraint_violation", prismaErr("P2011", "Null constraint violation on the fields: (`name`)")},
	{"prisma.P2021", "database_query/undefined_table", prismaErr("P2021", "The table `public.Order` does not exist in the current database.")},
	{"prisma.P2022", "database_query/undefined_column", prismaErr("P2022", "The column `Order.discount` does not exist in the current database.")},
	{"prisma.P2024", "database_connection/pool_exhausted", prismaErr("P2024", "Timed out fetching a new connection from the connection pool. (Current connection pool timeout: 10, connection limit: 5)")},
	{"prisma.P2034", "database_query/serialization_failure", prismaErr("P2034", "Transaction failed due to a write conflict or a deadlock. Please retry your transaction")},
})

// sqlalchemyCases: the code of SQLAlchemy's error link decides when the
// wrapped driver error says nothing more (an application's own wrapper
// around it, a driver message no pattern knows).
var sqlalchemyCases = register([]tc{
	{"sqlalchemy.error.3o7r", "database_connection/pool_exhausted", ex("shop.errors.StorageError", `cannot check out a connection (Background on this error at: https://sqlalche.me/e/20/3o7r)`)},
	{"sqlalchemy.error.gkpj", "database_query/constraint_violation", ex("sqlalchemy.exc.IntegrityError", "(sqlite3.IntegrityError) UNIQUE failed: products.sku\n(Background on this error at: https://sqlalche.me/e/20/gkpj)")},
	{"sqlalchemy.error.9h9h", "database_query/data_exception", ex("shop.errors.StorageError", `bad row for order 7 (Background on this error at: https://sqlalche.me/e/20/9h9h)`)},
	{"sqlalchemy.error.rvf5", "database_connection/connection_reset", ex("shop.errors.StorageError", `order lookup aborted (Background on this error at: https://sqlalche.me/e/20/rvf5)`)},
	{"sqlalchemy.error.8s2b", "database_connection/connection_reset", ex("sqlalchemy.exc.PendingRollbackError", `Can't reconnect until invalid transaction is rolled back.  Please rollback() fully before proceeding (Background on this error at: https://sqlalche.me/e/20/8s2b)`)},
	{"sqlalchemy.error.bhk3", "database_query/orm_mapping", ex("shop.errors.StorageError", `Parent instance <Order at 0x7f2a> is not bound to a Session; lazy load operation of attribute 'items' cannot proceed (Background on this error at: https://sqlalche.me/e/20/bhk3)`)},
	{"sqlalchemy.error.xd2s", "application_exception/illegal_state", ex("sqlalchemy.exc.MissingGreenlet", `greenlet_spawn has not been called; can't call await_only() here. Was IO attempted in an unexpected place? (Background on this error at: https://sqlalche.me/e/20/xd2s)`)},
})

// clickhouseCases: ClickHouse's codes as clickhouse-client and
// clickhouse-driver print them, pgx through its PostgreSQL port, clickhouse-go
// on a span of db.system clickhouse, and on its own when the text names it.
var clickhouseCases = register([]tc{
	{"clickhouse.error.516", "database_connection/authentication_failed", st("Code: 516. DB::Exception: default: Authentication failed: password is incorrect, or there is no user with such name. (AUTHENTICATION_FAILED)")},
	{"clickhouse.error.516", "database_connection/authentication_failed", goErr("failed to connect to `host=127.0.0.1 user=invalid database=default`: server error ( DB::Exception (516): invalid username: Authentication failed)")},
	{"clickhouse.error.192", "database_connection/authentication_failed", dbc("clickhouse", "192", "Unknown user bob")},
	{"clickhouse.error.193", "database_connection/authentication_failed", dbc("clickhouse", "193", "Wrong password for user default")},
	{"clickhouse.error.194", "database_connection/authentication_failed", dbc("clickhouse", "194", "Password required for user default")},
	{"clickhouse.error.81", "database_connection/unknown_database", ex("clickhouse_driver.errors.ServerException", "Code: 81.\nDB::Exception: Database shop doesn't exist. Stack trace:")},
	{"clickhouse.error.60", "database_query/undefined_table", dbx("clickhouse", "*proto.Exception", "code: 60, message: Unknown table expression identifier 'orders' in scope SELECT count() FROM orders")},
	{"clickhouse.error.47", "database_query/undefined_column", st("Code: 47. DB::Exception: Missing columns: 'totl' while processing query. (UNKNOWN_IDENTIFIER)")},
	{"clickhouse.error.16", "database_query/undefined_column", dbc("clickhouse", "16", "There is no column totl in table")},
	{"clickhouse.error.62", "database_query/syntax_error", st("Code: 62. DB::Exception: Syntax error: failed at position 8 ('FORM'). (SYNTAX_ERROR)")},
	{"clickhouse.error.46", "database_query/undefined_function", dbc("clickhouse", "46", "Unknown function arrayMapp")},
	{"clickhouse.error.159", "database_timeout/statement_timeout", st("Code: 159. DB::Exception: Timeout exceeded: elapsed 5.0 seconds, maximum: 5. (TIMEOUT_EXCEEDED)")},
	{"clickhouse.error.394", "database_timeout/query_canceled", dbc("clickhouse", "394", "Query was cancelled")},
	{"clickhouse.error.241", "resource_exhaustion/out_of_memory", st("Code: 241. DB::Exception: Memory limit (for query) exceeded: would use 9.31 GiB. (MEMORY_LIMIT_EXCEEDED)")},
	{"clickhouse.error.243", "resource_exhaustion/disk_full", dbc("clickhouse", "243", "Cannot reserve 1.00 MiB, not enough space")},
	{"clickhouse.error.497", "configuration_error/permission_denied", st("Code: 497. DB::Exception: app: Not enough privileges. To execute this query, it's necessary to have the grant SELECT(id) ON shop.orders. (ACCESS_DENIED)")},
	{"clickhouse.error.291", "configuration_error/permission_denied", dbc("clickhouse", "291", "Database shop is not allowed for user app")},
	// "code: N, message:" is a common shape of its own: without ClickHouse named, a code of it is not read.
	{"generic.exception", "application_exception/unhandled_exception", goErr("code: 60, message: order service rejected the request")},
})

func prismaErr(code, msg string) diagnosis.Evidence {
	return ex("PrismaClientKnownRequestError", "\nInvalid `prisma.order.findMany()` invocation:\n\n"+msg+" (code "+code+")")
}

func TestCodes(t *testing.T) {
	for name, cases := range map[string][]tc{"sqlstate": sqlstateCases, "mysql": mysqlCases, "mssql": mssqlCases, "oracle": oracleCases, "mongodb": mongoCases, "redis": redisCases, "prisma": prismaCases, "sqlalchemy": sqlalchemyCases, "clickhouse": clickhouseCases} {
		t.Run(name, func(t *testing.T) { runCases(t, cases) })
	}
}
