package io.retention.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.retention.lake.DeltaTables;
import io.retention.lake.Table;
import io.retention.testing.SharedSpark;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** A state written by the previous version (entries without the gross purchase value) is rebuilt once. */
class StateUpgradeTest {
  @Test
  void aStateWithoutGrossIsRebuiltFromSilverAndThenCarriesIt() {
    SparkSession spark = SharedSpark.get();
    DeltaTables tables = new DeltaTables(spark, SharedSpark.tempDir("state-upgrade").toString());
    Dataset<Row> purchases = CohortRetentionTest.monthlyFixture();
    tables.overwrite(Table.PURCHASES, purchases);
    Dataset<Row> old = CustomerActivity.state(purchases, true).selectExpr("customer_id",
        "transform(activity, x -> named_struct('day', x.day, 'purchases', x.purchases, 'net', x.net)) AS activity",
        "first_purchase", "first_attributes");
    tables.overwrite(Table.CUSTOMER_ACTIVITY, old);
    assertThat(CustomerState.hasCurrentFormat(tables.read(Table.CUSTOMER_ACTIVITY))).isFalse();

    CustomerState.Refresh r = new CustomerState(tables).refresh(false);

    assertThat(r.mode()).isEqualTo(CustomerState.Mode.FULL);
    assertThat(r.note()).contains("the state was written by an older version (no gross purchase value per day)");
    assertThat(CustomerState.hasCurrentFormat(tables.read(Table.CUSTOMER_ACTIVITY))).isTrue();
    String[] comparable = {"customer_id", "activity", "first_purchase", "to_json(first_attributes) AS attributes"};
    SharedSpark.assertSameRows(CustomerActivity.state(purchases, true).selectExpr(comparable),
        tables.read(Table.CUSTOMER_ACTIVITY).selectExpr(comparable));
  }
}
