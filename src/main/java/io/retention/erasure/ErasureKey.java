package io.retention.erasure;

import io.retention.export.CsvSafety;
import java.nio.charset.StandardCharsets;

/**
 * The key of the erasure audit and suppression list: the customer ids {@code forget} erased are kept only as
 * HMAC-SHA256 under this key (hex, {@link CsvSafety#pseudonym}), from the environment variable
 * {@value #ENV}, never from a file. Without the key nobody can tell from the hashes whose they are; with it, ingest
 * recognises an erased customer's re-landed records.
 */
public record ErasureKey(byte[] bytes) implements java.io.Serializable {
  public static final String ENV = "RETENTION_ERASURE_KEY";
  public static final int MIN_BYTES = 16;

  public ErasureKey {
    bytes = bytes.clone();
  }

  /** The key from the variable's value; refused (IllegalArgumentException) when unset or shorter than 16 bytes. */
  public static ErasureKey fromEnv(String value, String what) {
    if (value == null || value.getBytes(StandardCharsets.UTF_8).length < MIN_BYTES) {
      throw new IllegalArgumentException(what + " needs $" + ENV + " set to a key of at least " + MIN_BYTES
          + " bytes");
    }
    return new ErasureKey(value.getBytes(StandardCharsets.UTF_8));
  }

  /** The keyed hash of a (normalised) customer id. */
  public String hash(String customerId) {
    return CsvSafety.pseudonym(bytes, customerId);
  }

  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ErasureKey k && java.util.Arrays.equals(k.bytes, bytes);
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return "ErasureKey[hidden]";
  }
}
