package io.retention.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.delta.kernel.internal.actions.Protocol;
import io.retention.lake.DeltaTables;
import io.retention.lake.Table;
import io.retention.testing.ChildJvm;
import io.retention.testing.KernelReader;
import io.retention.testing.MetastoreReader;
import io.retention.testing.RowText;
import io.retention.testing.SharedSpark;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code nightly --catalog} on the bundled samples through the all-in jar, then the warehouse read by others:
 * a second Spark application that knows only the metastore finds the tables by name, and the Delta Kernel
 * (a reader outside Spark) reads every gold table as Spark does; published gold tables need no reader feature.
 */
class CatalogIT {
  private static final String GOLD = "gold";
  static Path warehouse;
  static ChildJvm.Outcome nightly;
  static DeltaTables tables;

  @BeforeAll
  static void nightlyWithCatalog() {
    warehouse = SharedSpark.tempDir("catalog-it").resolve("warehouse");
    nightly = ChildJvm.main(30, List.of(), "nightly", "--catalog", "--master", "local[2]", "--warehouse",
        warehouse.toString());
    tables = new DeltaTables(SharedSpark.get(), warehouse.toString());
  }

  /** The gold tables the night wrote. */
  private static List<Table> gold() {
    return tables.existing().stream().filter(t -> t.layer().equals(GOLD)).toList();
  }

  @Test
  void theNightRegistersEveryTableInTheDerbyMetastoreUnderTheWarehouse() {
    assertThat(nightly.exitCode()).as(nightly.stderr()).isZero();
    assertThat(nightly.stderr()).contains("== catalog ok")
        .contains(String.format("catalog %-24s created   file:%s", "gold.cohort_retention",
            warehouse.resolve("gold/cohort_retention")));
    assertThat(warehouse.resolve("_catalog/metastore_db")).isDirectory();
    assertThat(warehouse.resolve("_catalog/derby.log")).isRegularFile();
    assertThat(ChildJvm.projectDir().resolve("metastore_db")).doesNotExist();
    assertThat(ChildJvm.projectDir().resolve("derby.log")).doesNotExist();
    assertThat(tables.read(Table.RUNS).where("stage = 'catalog' AND status = 'ok' AND run_id LIKE 'nightly-%'").count()).isEqualTo(1);
  }

  @Test
  void aSessionThatKnowsOnlyTheMetastoreReadsTheTablesByName() {
    List<Table> gold = gold();
    assertThat(gold).contains(Table.COHORT_RETENTION, Table.RETENTION_KPIS, Table.CUSTOMERS, Table.CHURN_SCORES);
    List<String> args = new ArrayList<>(List.of(
        "jdbc:derby:;databaseName=" + warehouse.resolve("_catalog/metastore_db"), "bronze,silver,gold,ops"));
    gold.forEach(t -> args.add(t.qualifiedName()));
    args.add(Table.PURCHASES.qualifiedName());
    ChildJvm.Outcome read = ChildJvm.testMain(MetastoreReader.class, args.toArray(String[]::new));
    assertThat(read.exitCode()).as(read.stderr()).isZero();
    Map<String, List<String>> printed = sections(read.stdout());
    for (String layer : List.of("bronze", "silver", "gold", "ops")) {
      assertThat(printed.get("tables " + layer)).as(layer).containsExactlyElementsOf(tables.existing().stream()
          .filter(t -> t.layer().equals(layer)).map(Table::tableName).sorted().toList());
    }
    for (int i = 2; i < args.size(); i++) {
      Table t = Table.byName(args.get(i)).orElseThrow();
      assertThat(printed.get("== " + t.qualifiedName())).as(t.qualifiedName())
          .isNotEmpty().containsExactlyElementsOf(RowText.ofSpark(tables.read(t).collectAsList()));
    }
  }

  @Test
  void theDeltaKernelReadsEveryGoldTableAsSparkDoes() {
    for (Table t : gold()) {
      String path = tables.path(t);
      assertThat(KernelReader.columns(path)).as(t.qualifiedName())
          .containsExactly(tables.read(t).columns());
      assertThat(KernelReader.rows(path)).as(t.qualifiedName())
          .isNotEmpty().containsExactlyElementsOf(RowText.ofSpark(tables.read(t).collectAsList()));
    }
  }

  @Test
  void publishedGoldTablesNeedNoReaderFeatureAndOnlyTheHubHasDeletionVectors() {
    for (Table t : gold()) {
      Protocol p = KernelReader.protocol(tables.path(t));
      if (t == Table.CUSTOMER_ACTIVITY) { // internal: MERGEs with deletion vectors
        assertThat(p.getReaderFeatures()).as(t.qualifiedName()).contains("deletionVectors");
      } else {
        assertThat(p.getMinReaderVersion()).as(t.qualifiedName() + " " + p).isEqualTo(1);
        assertThat(p.getReaderAndWriterFeatures()).as(t.qualifiedName())
            .doesNotContain("deletionVectors", "columnMapping", "v2Checkpoint", "timestampNtz", "typeWidening",
                "variantType");
      }
    }
  }

  @Test
  void aSecondRegistrationChangesNothing() {
    ChildJvm.Outcome again = ChildJvm.main(List.of(), "catalog", "--master", "local[1]", "--warehouse",
        warehouse.toString());
    assertThat(again.exitCode()).as(again.stderr()).isZero();
    long registered = tables.existing().size();
    assertThat(again.stderr()).contains("== catalog ok").contains(registered + " tables registered (0 created, "
        + "0 fixed, " + registered + " unchanged), 0 dropped; embedded Derby "
        + warehouse.resolve("_catalog/metastore_db"));
  }

  /** Output lines grouped under their headings ({@code tables <db>: a,b} is a heading with its names). */
  private static Map<String, List<String>> sections(String stdout) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    List<String> current = null;
    for (String line : stdout.lines().toList()) {
      if (line.startsWith("tables ")) {
        String[] parts = line.split(": ?", 2);
        out.put(parts[0], parts.length < 2 || parts[1].isEmpty() ? List.of()
            : Arrays.stream(parts[1].split(",")).collect(Collectors.toList()));
      } else if (line.startsWith("== ")) {
        current = new ArrayList<>();
        out.put(line, current);
      } else if (current != null) {
        current.add(line);
      }
    }
    return out;
  }
}
