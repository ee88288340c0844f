package io.retention.app;

import io.retention.pipeline.Failures;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.CurrentNamespace$;
import org.apache.spark.sql.catalyst.analysis.LocalTempView$;
import org.apache.spark.sql.catalyst.analysis.PlanWithUnresolvedIdentifier;
import org.apache.spark.sql.catalyst.analysis.RelationTimeTravel;
import org.apache.spark.sql.catalyst.analysis.ResolvedNamespace;
import org.apache.spark.sql.catalyst.analysis.ResolvedNonPersistentFunc;
import org.apache.spark.sql.catalyst.analysis.ResolvedPersistentFunc;
import org.apache.spark.sql.catalyst.analysis.ResolvedPersistentView;
import org.apache.spark.sql.catalyst.analysis.ResolvedTable;
import org.apache.spark.sql.catalyst.analysis.ResolvedTempView;
import org.apache.spark.sql.catalyst.analysis.UnresolvedFunction;
import org.apache.spark.sql.catalyst.analysis.UnresolvedFunctionName;
import org.apache.spark.sql.catalyst.analysis.UnresolvedHaving;
import org.apache.spark.sql.catalyst.analysis.UnresolvedInlineTable;
import org.apache.spark.sql.catalyst.analysis.UnresolvedNamespace;
import org.apache.spark.sql.catalyst.analysis.UnresolvedRelation;
import org.apache.spark.sql.catalyst.analysis.UnresolvedSubqueryColumnAliases;
import org.apache.spark.sql.catalyst.analysis.UnresolvedTVFAliases;
import org.apache.spark.sql.catalyst.analysis.UnresolvedTable;
import org.apache.spark.sql.catalyst.analysis.UnresolvedTableOrView;
import org.apache.spark.sql.catalyst.analysis.UnresolvedTableValuedFunction;
import org.apache.spark.sql.catalyst.expressions.CallMethodViaReflection;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.PipeOperator;
import org.apache.spark.sql.catalyst.plans.logical.*;
import org.apache.spark.sql.delta.commands.DescribeDeltaDetailCommand;
import org.apache.spark.sql.delta.commands.DescribeDeltaHistory;
import org.apache.spark.sql.delta.commands.DescribeDeltaHistoryCommand;
import org.apache.spark.sql.delta.commands.ShowDeltaPartitionsCommand;
import org.apache.spark.sql.delta.commands.ShowDeltaTableColumnsCommand;
import org.apache.spark.sql.execution.CommandExecutionMode;
import org.apache.spark.sql.execution.LogicalRDD;
import org.apache.spark.sql.execution.command.CreateViewCommand;
import org.apache.spark.sql.execution.command.DescribeColumnCommand;
import org.apache.spark.sql.execution.command.DescribeDatabaseCommand;
import org.apache.spark.sql.execution.command.DescribeFunctionCommand;
import org.apache.spark.sql.execution.command.DescribeQueryCommand;
import org.apache.spark.sql.execution.command.DescribeTableCommand;
import org.apache.spark.sql.execution.command.ExplainCommand;
import org.apache.spark.sql.execution.command.ShowCatalogsCommand;
import org.apache.spark.sql.execution.command.ShowColumnsCommand;
import org.apache.spark.sql.execution.command.ShowCurrentNamespaceCommand;
import org.apache.spark.sql.execution.command.ShowFunctionsCommand;
import org.apache.spark.sql.execution.command.ShowNamespacesCommand;
import org.apache.spark.sql.execution.command.ShowPartitionsCommand;
import org.apache.spark.sql.execution.command.ShowTablePropertiesCommand;
import org.apache.spark.sql.execution.command.ShowTablesCommand;
import org.apache.spark.sql.execution.command.ShowViewsCommand;
import org.apache.spark.sql.execution.datasources.DataSource;
import org.apache.spark.sql.execution.datasources.LogicalRelation;
import org.apache.spark.sql.execution.datasources.v2.DataSourceV2Relation;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Decides whether an analyst's SQL statement only reads, before it runs. The decision is made on Spark's parsed
 * plan (the session's own parser, Delta's extension included) and then on the analysed plan, against allow-lists
 * of logical plan node classes — never on the text:
 *
 * <ul>
 *   <li>queries ({@code SELECT}, {@code WITH … SELECT}, {@code VALUES}, {@code TABLE}, pipe syntax), with every
 *       subquery and CTE definition walked too;</li>
 *   <li>{@code SHOW …}, {@code DESCRIBE …} (table, column, database, function, query), Delta's
 *       {@code DESCRIBE HISTORY} and {@code DESCRIBE DETAIL} by table name;</li>
 *   <li>{@code EXPLAIN s} when {@code s} itself is allowed: explaining a write is refused like the write (its
 *       analysis alone can act: Delta's {@code RESTORE} and {@code EXECUTE IMMEDIATE} run while being
 *       analysed);</li>
 *   <li>{@code CREATE [OR REPLACE] TEMP VIEW v AS <query>} only when {@link #allowingTempViews()} (the shell).</li>
 * </ul>
 *
 * <p>Everything else is refused with a {@link ConfigException} (exit 2) naming the statement kind: writes,
 * DDL, {@code VACUUM}/{@code OPTIMIZE}/{@code RESTORE}, settings, {@code ADD JAR}, caching, {@code USE},
 * {@code EXECUTE IMMEDIATE}, SQL scripting, {@code TRANSFORM … USING} scripts, reading files by path
 * ({@code csv.`/etc/passwd`}, {@code DESCRIBE HISTORY '/path'}) and the functions {@code reflect},
 * {@code java_method}, {@code try_reflect} anywhere in the plan. Only a statement that passed the parsed check is
 * analysed. A statement Spark cannot parse or analyse fails as {@link JobFailure} (exit 1), as Spark would.
 *
 * <pre>{@code
 * SparkSession session = ReadOnlySql.session(spark);    // runSQLOnFiles off
 * ReadOnlySql.QUERY.check(session, sql);                 // throws, or returns: safe to session.sql(sql)
 * }</pre>
 */
public final class ReadOnlySql {
  /** The rule of {@code query}: no temporary views. */
  public static final ReadOnlySql QUERY = new ReadOnlySql("query", false);

  private static final String TIME_ZONE = "spark.sql.session.timeZone";
  private static final String READ_ONLY = "is read-only (SELECT, SHOW, DESCRIBE, EXPLAIN)";
  private static final Set<String> REFLECTION = Set.of("reflect", "java_method", "try_reflect");

  /** Nodes of a parsed query (below the statement). */
  private static final Set<Class<?>> PARSED_QUERY = Set.of(Project.class, Filter.class, Aggregate.class,
      Join.class, LateralJoin.class, Union.class, Intersect.class, Except.class, Distinct.class, Sort.class,
      GlobalLimit.class, LocalLimit.class, Offset.class, Tail.class, SubqueryAlias.class, UnresolvedRelation.class,
      RelationTimeTravel.class, UnresolvedInlineTable.class, LocalRelation.class, OneRowRelation.class,
      UnresolvedWith.class, UnresolvedHaving.class, WithWindowDefinition.class, Generate.class, Pivot.class,
      Unpivot.class, Sample.class, RepartitionByExpression.class, Repartition.class, RebalancePartitions.class,
      UnresolvedHint.class, UnresolvedTableValuedFunction.class, UnresolvedTVFAliases.class,
      UnresolvedSubqueryColumnAliases.class, PipeOperator.class, PlanWithUnresolvedIdentifier.class);

  /** Nodes of an analysed query. */
  private static final Set<Class<?>> ANALYSED_QUERY = Set.of(Project.class, Filter.class, Aggregate.class,
      Join.class, LateralJoin.class, Union.class, Intersect.class, Except.class, Distinct.class, Deduplicate.class,
      Sort.class, GlobalLimit.class, LocalLimit.class, Offset.class, Tail.class, SubqueryAlias.class, View.class,
      LogicalRelation.class, DataSourceV2Relation.class, LogicalRDD.class, LocalRelation.class,
      OneRowRelation.class, Range.class, Generate.class, Expand.class, Window.class, WithCTE.class,
      CTERelationDef.class, CTERelationRef.class, UnionLoop.class, UnionLoopRef.class, Sample.class,
      RepartitionByExpression.class, Repartition.class, RebalancePartitions.class, ResolvedHint.class,
      PipeOperator.class);

  /** SHOW and DESCRIBE statements as parsed, and the operands (names) below them. */
  private static final Set<Class<?>> PARSED_STATEMENTS = Set.of(ShowTables.class, ShowTablesExtended.class,
      ShowViews.class, ShowNamespacesCommand.class, ShowColumns.class, ShowTableProperties.class,
      ShowCreateTable.class, ShowFunctions.class, ShowCatalogsCommand.class, ShowCurrentNamespaceCommand.class,
      ShowPartitions.class, DescribeRelation.class, DescribeColumn.class, DescribeNamespace.class,
      DescribeFunction.class, DescribeDeltaHistory.class, DescribeDeltaDetailCommand.class);
  private static final Set<Class<?>> PARSED_OPERANDS = Set.of(CurrentNamespace$.class, UnresolvedNamespace.class,
      UnresolvedTable.class, UnresolvedTableOrView.class, UnresolvedFunctionName.class,
      PlanWithUnresolvedIdentifier.class);

  /** SHOW and DESCRIBE statements as analysed (Spark and Delta turn most into their v1 commands). */
  private static final Set<Class<?>> ANALYSED_STATEMENTS = Set.of(ShowTables.class, ShowTablesCommand.class,
      ShowViewsCommand.class, ShowNamespacesCommand.class, ShowColumnsCommand.class,
      ShowDeltaTableColumnsCommand.class, ShowTableProperties.class, ShowTablePropertiesCommand.class,
      ShowFunctionsCommand.class, ShowCatalogsCommand.class, ShowCurrentNamespaceCommand.class,
      ShowPartitionsCommand.class, ShowDeltaPartitionsCommand.class, DescribeRelation.class,
      DescribeTableCommand.class, DescribeColumn.class, DescribeColumnCommand.class, DescribeNamespace.class,
      DescribeDatabaseCommand.class, DescribeFunctionCommand.class, DescribeDeltaHistory.class,
      DescribeDeltaHistoryCommand.class, DescribeDeltaDetailCommand.class);
  private static final Set<Class<?>> ANALYSED_OPERANDS = Set.of(ResolvedNamespace.class, ResolvedTable.class,
      ResolvedPersistentView.class, ResolvedTempView.class, ResolvedPersistentFunc.class,
      ResolvedNonPersistentFunc.class);

  /** Statement kinds whose class name does not read as the SQL an analyst typed. */
  private static final Map<String, String> KIND = Map.of("CompoundBody", "SQL scripting (BEGIN ... END)",
      "SetCatalogAndNamespace", "USE", "UnresolvedExecuteImmediate", "EXECUTE IMMEDIATE",
      "CreateViewCommand", "CREATE VIEW", "DeltaReorgTable", "REORG TABLE",
      "UnresolvedPathBasedDeltaTable", "reading files by path", "UnresolvedPathBasedTable", "reading files by path");

  private final String command;
  private final boolean tempViews;

  private ReadOnlySql(String command, boolean tempViews) {
    this.command = command;
    this.tempViews = tempViews;
  }

  /** The rule for another SQL surface named {@code command} (used in messages); no temporary views. */
  public static ReadOnlySql forCommand(String command) {
    return new ReadOnlySql(command, false);
  }

  /** The same rule, also allowing {@code CREATE [OR REPLACE] TEMP VIEW v AS <allowed query>}. */
  public ReadOnlySql allowingTempViews() {
    return new ReadOnlySql(command, true);
  }

  /**
   * A new session on {@code spark}'s context (own settings and temporary views, same catalog) in which SQL
   * cannot read files by path ({@code spark.sql.runSQLOnFiles=false}).
   */
  public static SparkSession session(SparkSession spark) {
    SparkSession s = spark.newSession();
    s.conf().set("spark.sql.runSQLOnFiles", "false");
    s.conf().set(TIME_ZONE, spark.conf().get(TIME_ZONE)); // results in the business time zone, as before
    // a table's Delta log is a few files: one task rebuilds its state (the default spreads it over many empty ones)
    s.conf().set("spark.databricks.delta.snapshotPartitions", "1");
    return s;
  }

  /**
   * Returns when {@code sql} only reads; throws {@link ConfigException} naming what is refused, or
   * {@link JobFailure} when Spark cannot parse or analyse it. Nothing is executed.
   */
  public void check(SparkSession spark, String sql) {
    LogicalPlan parsed;
    try {
      parsed = spark.sessionState().sqlParser().parsePlan(sql);
    } catch (Exception e) { // ParseException, or an AnalysisException the parser raises itself
      throw new JobFailure(command + " failed: " + Failures.oneLine(e.getMessage()));
    }
    checkStatement(spark, parsed);
  }

  private void checkStatement(SparkSession spark, LogicalPlan plan) {
    if (plan instanceof ExplainCommand explain) {
      checkStatement(spark, explain.logicalPlan());
      return;
    }
    if (plan instanceof DescribeQueryCommand describe) {
      checkStatement(spark, describe.plan());
      return;
    }
    if (PARSED_STATEMENTS.contains(plan.getClass())) {
      walk(spark, plan, PARSED_OPERANDS);
    } else if (tempViews && plan instanceof CreateViewCommand view && view.viewType() == LocalTempView$.MODULE$) {
      walk(spark, view.plan(), PARSED_QUERY);
    } else {
      walk(spark, plan, PARSED_QUERY);
    }
    checkAnalysed(spark, plan);
  }

  private void checkAnalysed(SparkSession spark, LogicalPlan parsed) {
    LogicalPlan analysed;
    try {
      analysed = spark.sessionState().executePlan(parsed, CommandExecutionMode.SKIP()).analyzed();
    } catch (Exception e) { // AnalysisException: what spark.sql would have said
      throw new JobFailure(command + " failed: " + Failures.oneLine(e.getMessage()));
    }
    if (ANALYSED_STATEMENTS.contains(analysed.getClass())) {
      walk(spark, analysed, ANALYSED_OPERANDS);
    } else if (tempViews && analysed instanceof CreateViewCommand view
        && view.viewType() == LocalTempView$.MODULE$) {
      walk(spark, view.plan(), ANALYSED_QUERY);
    } else {
      walk(spark, analysed, ANALYSED_QUERY);
    }
  }

  /**
   * Walks {@code root} with its children, CTE definitions and subqueries: a SHOW/DESCRIBE statement at the root
   * is known good, every other node must be in {@code allowed}; every node's expressions are checked too.
   */
  private void walk(SparkSession spark, LogicalPlan root, Set<Class<?>> allowed) {
    boolean statement = PARSED_STATEMENTS.contains(root.getClass()) || ANALYSED_STATEMENTS.contains(root.getClass());
    Deque<LogicalPlan> todo = new ArrayDeque<>();
    if (statement) {
      checkExpressions(root);
      todo.addAll(below(root));
    } else {
      todo.add(root);
    }
    while (!todo.isEmpty()) {
      LogicalPlan node = todo.pop();
      // IDENTIFIER('t') with a child is the INSERT INTO IDENTIFIER(…) form; as a name it has none
      boolean deferredWrite = node instanceof PlanWithUnresolvedIdentifier && !node.children().isEmpty();
      if (!allowed.contains(node.getClass()) || deferredWrite) {
        throw refused(deferredWrite ? "INSERT INTO" : kind(node));
      }
      checkPath(spark, node);
      checkExpressions(node);
      todo.addAll(below(node));
    }
  }

  /** {@code csv.`/etc/passwd`}, {@code delta.`/path`}: a data source name and a path instead of a table name. */
  private void checkPath(SparkSession spark, LogicalPlan node) {
    scala.collection.immutable.Seq<String> parts = node instanceof UnresolvedRelation r ? r.multipartIdentifier()
        : node instanceof UnresolvedTable t ? t.multipartIdentifier()
        : node instanceof UnresolvedTableOrView v ? v.multipartIdentifier() : null;
    List<String> name = parts == null ? List.of() : CollectionConverters.asJava(parts);
    if (name.size() != 2 || spark.catalog().databaseExists(name.get(0))) {
      return;
    }
    try {
      DataSource.lookupDataSource(name.get(0), spark.sessionState().conf());
    } catch (RuntimeException notADataSource) {
      return;
    }
    throw refused("reading files by path (" + name.get(0) + ".`" + name.get(1) + "`)");
  }

  private static List<LogicalPlan> below(LogicalPlan node) {
    List<LogicalPlan> out = new ArrayList<>(CollectionConverters.asJava(node.children()));
    for (Object inner : CollectionConverters.asJava(node.innerChildren())) {
      if (inner instanceof LogicalPlan p) {
        out.add(p);
      }
    }
    out.addAll(CollectionConverters.asJava(node.subqueries()));
    return out;
  }

  private void checkExpressions(LogicalPlan node) {
    for (Expression e : CollectionConverters.asJava(node.expressions())) {
      e.foreach(x -> {
        if (x instanceof CallMethodViaReflection) {
          throw refused("function " + x.prettyName());
        }
        if (x instanceof UnresolvedFunction f) {
          String name = f.nameParts().last().toLowerCase(Locale.ROOT);
          if (REFLECTION.contains(name)) {
            throw refused("function " + name);
          }
        }
        return null;
      });
    }
  }

  private ConfigException refused(String what) {
    // plain ASCII: the line must read the same on a terminal or a cron log without a UTF-8 locale
    return new ConfigException(command + ": refused: " + what + " - " + command + " " + READ_ONLY);
  }

  /** {@code VacuumTableCommand} → {@code VACUUM TABLE}: the class name, as SQL words. */
  static String kind(LogicalPlan node) {
    String name = node.getClass().getSimpleName().replace("$", "");
    if (KIND.containsKey(name)) {
      return KIND.get(name);
    }
    name = name.replaceFirst("^Unresolved", "").replaceFirst("(Command|Statement)$", "");
    return String.join(" ", name.split("(?<=[a-z])(?=[A-Z])")).toUpperCase(Locale.ROOT);
  }
}
