package classify
import ("testing";"fmt";"github.com/errordiagnosis/errordiagnosisprocessor/internal/diagnosis")
func TestDbg(t *testing.T){
 ev := diagnosis.Evidence{Kind: diagnosis.KindDB, DBSystem:"postgresql", StatusError:true, StatusMessage:"Connection to db.internal:5432 refused. Check that the hostname and port are correct and that the postmaster is accepting TCP/IP connections.", ExceptionType:"org.postgresql.util.PSQLException", ExceptionMessage:"Connection to db.internal:5432 refused. Check that the hostname and port are correct and that the postmaster is accepting TCP/IP connections.", Stacktrace:"org.postgresql.util.PSQLException: Connection to db.internal:5432 refused.\n\tat x\nCaused by: java.net.ConnectException: Connection refused\n", Depth:2}
 m, ok := MatchEvidence(&ev); fmt.Println(m, ok)
 ev2 := diagnosis.Evidence{Kind: diagnosis.KindSpan, ExceptionType:"org.springframework.jdbc.CannotGetJdbcConnectionException", ExceptionMessage:"Failed to obtain JDBC Connection", Depth:1, StatusError:true}
 m, ok = MatchEvidence(&ev2); fmt.Println(m, ok)
 r := Classify([]diagnosis.Evidence{ev2, ev}); fmt.Printf("%+v\n", r.Match)
}
