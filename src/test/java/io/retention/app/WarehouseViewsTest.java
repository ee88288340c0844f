package io.retention.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.retention.lake.DeltaTables;
import io.retention.lake.Table;
import io.retention.schema.Schemas;
import io.retention.testing.SharedSpark;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class WarehouseViewsTest {
  @Test
  void aStatementRegistersTheTablesItNamesAndOneNamingNoneRegistersAll() {
    String wh = SharedSpark.tempDir("views").toString();
    SparkSession spark = SharedSpark.get();
    DeltaTables tables = new DeltaTables(spark, wh);
    tables.overwrite(Table.PURCHASES, spark.createDataFrame(List.of(
        QueryReadOnlyTest.order("o1", "A", "2024-01-05", "10.00")), Schemas.PURCHASES));
    tables.createIfNotExists(Table.QUARANTINE, Schemas.QUARANTINE);
    SparkSession session = ReadOnlySql.session(spark);
    WarehouseViews views = new WarehouseViews(session, wh);
    assertThat(views.existing()).containsExactly(Table.PURCHASES, Table.QUARANTINE);

    views.forStatement("SELECT count(*) FROM Silver.Purchases WHERE amount > 0");
    assertThat(session.catalog().tableExists("purchases")).isTrue();
    assertThat(session.catalog().tableExists("quarantine")).as("not named: not registered").isFalse();
    assertThat(session.sql("SELECT count(*) FROM purchases").first().getLong(0)).isEqualTo(1);

    views.forStatement("SHOW TABLES");
    assertThat(session.catalog().tableExists("quarantine")).as("names none: all registered").isTrue();
  }

  @Test
  void aNameCountsAsAWholeWordOnly() {
    assertThat(WarehouseViews.names("select * from gold.customers", Table.CUSTOMERS)).isTrue();
    assertThat(WarehouseViews.names("select * from `customers`", Table.CUSTOMERS)).isTrue();
    assertThat(WarehouseViews.names("select * from CUSTOMERS;", Table.CUSTOMERS)).isTrue();
    assertThat(WarehouseViews.names("select * from customer_clv", Table.CUSTOMERS)).isFalse();
    assertThat(WarehouseViews.names("select * from customers_x", Table.CUSTOMERS)).isFalse();
    assertThat(WarehouseViews.names("select * from gold.cohort_retention_all", Table.COHORT_RETENTION)).isFalse();
  }
}
