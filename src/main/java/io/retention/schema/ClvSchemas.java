package io.retention.schema;

import static io.retention.schema.ClvColumns.*;
import static io.retention.schema.Columns.CUSTOMER_ID;
import static io.retention.schema.Columns.RUN_ID;
import static io.retention.schema.Schemas.MONEY;
import static io.retention.schema.Schemas.field;
import static io.retention.schema.Schemas.struct;

import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Schemas of the CLV tables. */
public final class ClvSchemas {
  private ClvSchemas() {}

  public static final DataType DOUBLE_MAP =
      DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType, true);

  /** gold.clv_model: one row per fitted model (bgnbd, gamma_gamma) of a run. */
  public static final StructType CLV_MODEL = struct(
      field(MODEL, DataTypes.StringType),
      field(PARAMETERS, DOUBLE_MAP),
      field(STD_ERRORS, DOUBLE_MAP),
      field(LOG_LIKELIHOOD, DataTypes.DoubleType),
      field(CUSTOMERS, DataTypes.LongType),
      field(PATTERNS, DataTypes.LongType),
      field(EXCLUDED_CUSTOMERS, DataTypes.LongType),
      field(TIME_UNIT, DataTypes.StringType),
      field(DATA_START, DataTypes.DateType),
      field(CALIBRATION_END, DataTypes.DateType),
      field(PENALIZER, DataTypes.DoubleType),
      field(ITERATIONS, DataTypes.IntegerType),
      field(GRADIENT_NORM, DataTypes.DoubleType),
      field(CONVERGED, DataTypes.BooleanType),
      field(WARNINGS, DataTypes.createArrayType(DataTypes.StringType, true)),
      field(FITTED_AT, DataTypes.TimestampType),
      field(RUN_ID, DataTypes.StringType));

  /** gold.customer_clv: one row per customer with a purchase on or before the calibration end. */
  public static final StructType CUSTOMER_CLV = struct(
      field(CUSTOMER_ID, DataTypes.StringType),
      field(FREQUENCY, DataTypes.LongType),
      field(RECENCY, DataTypes.DoubleType),
      field(AGE, DataTypes.DoubleType),
      field(MONETARY_VALUE, DataTypes.DoubleType),
      field(ORDERS, DataTypes.LongType),
      field(HISTORICAL_CLV, MONEY),
      field(SIMPLE_CLV, MONEY),
      field(P_ALIVE, DataTypes.DoubleType),
      field(EXPECTED_PURCHASES, DataTypes.DoubleType),
      field(HORIZON_MONTHS, DataTypes.IntegerType),
      field(EXPECTED_AVG_VALUE, MONEY),
      field(PREDICTED_CLV, MONEY),
      field(TIME_UNIT, DataTypes.StringType),
      field(CALIBRATION_END, DataTypes.DateType));

  /** gold.clv_evaluation: holdout check of a calibration fit (bins, total, cumulative weeks). */
  public static final StructType CLV_EVALUATION = struct(
      field(CALIBRATION_END, DataTypes.DateType),
      field(HOLDOUT_END, DataTypes.DateType),
      field(TIME_UNIT, DataTypes.StringType),
      field(SECTION, DataTypes.StringType),
      field(BIN, DataTypes.StringType),
      field(PERIOD_END, DataTypes.DateType),
      field(CUSTOMERS, DataTypes.LongType),
      field(ACTUAL_MEAN, DataTypes.DoubleType),
      field(PREDICTED_MEAN, DataTypes.DoubleType),
      field(ACTUAL_TOTAL, DataTypes.DoubleType),
      field(PREDICTED_TOTAL, DataTypes.DoubleType),
      field(RUN_ID, DataTypes.StringType));
}
