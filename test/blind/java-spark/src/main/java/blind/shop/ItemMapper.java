package blind.shop;

import java.util.List;
import java.util.Map;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Select;
import org.apache.ibatis.annotations.Update;

/** The shop's statements, as MyBatis annotation mappers. */
public interface ItemMapper {
  @Select("SELECT id, name, qty FROM items ORDER BY id")
  List<Item> all();

  @Select("SELECT id, name, qty FROM items WHERE id = #{id}")
  Item byId(int id);

  @Select("SELECT count(*) FROM items")
  int count();

  @Update("SET LOCAL statement_timeout = '200ms'")
  void statementTimeout200ms();

  @Update("SET LOCAL lock_timeout = '200ms'")
  void lockTimeout200ms();

  @Select("SELECT pg_sleep(2)::text")
  String sleepTwoSeconds();

  @Update("UPDATE items SET qty = qty - 1 WHERE id = 1")
  int takeOne();

  /** A table of a newer schema than the database has (a migration not run). */
  @Select("SELECT id FROM orders_archive WHERE id = #{id}")
  List<Integer> archived(int id);

  /** A column of a newer schema than the database has. */
  @Select("SELECT id, discount FROM items WHERE id = #{id}")
  List<Map<String, Object>> withDiscount(int id);

  @Insert("INSERT INTO items (id, name, qty) VALUES (#{id}, #{name}, #{qty})")
  int insert(Item item);
}
