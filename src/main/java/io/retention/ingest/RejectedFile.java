package io.retention.ingest;

/**
 * A landed file set aside (a row of ops.rejected_files): none of its lines ingested; it is read again when its
 * content changes.
 *
 * @param reason a {@link SetAside.Code} code
 */
public record RejectedFile(String path, String hash, long size, long modifiedMillis, String reason,
    String detail) {}
