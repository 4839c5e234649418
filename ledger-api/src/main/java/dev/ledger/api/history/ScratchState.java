package dev.ledger.api.history;

import dev.ledger.projections.ProjectionCatalog;
import dev.ledger.projections.copy.CopiesProjection;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.InflaterInputStream;

/**
 * The rows of a scratch database's state tables as bytes, and back: what a history checkpoint stores.
 *
 * <p>The state tables are every read model's tables but the copies read model's, whose rows are one per
 * copied trade (a history, not a state: a checkpoint would grow with the stream). A scratch into which one
 * stream was replayed holds only that stream's rows, so checkpoints of different streams restore side by
 * side. The bytes are a deflated sequence of tables, each with its column names and rows; a value is a
 * tag and the value (text, decimal as unscaled integer and scale, integer, long, boolean, or null).
 *
 * <p>{@link #format()} identifies what the bytes mean: a hash of the read models' schema scripts (so a
 * schema change invalidates every checkpoint by itself) and of {@link #PROJECTION_LOGIC}, which is raised
 * whenever a projection changes what it writes for the same events without a schema change.
 */
final class ScratchState {

    /** Raise when a projection's handlers change what they write for the same events. */
    private static final int PROJECTION_LOGIC = 1;

    /** The tables a checkpoint keeps. */
    static final List<String> TABLES = ProjectionCatalog.ALL.stream()
            .filter(p -> !p.name().equals(CopiesProjection.NAME))
            .flatMap(p -> p.tables().stream())
            .toList();

    private static final byte NULL = 0;
    private static final byte TEXT = 1;
    private static final byte DECIMAL = 2;
    private static final byte INT = 3;
    private static final byte LONG = 4;
    private static final byte BOOLEAN = 5;

    private static volatile Long format;

    private ScratchState() {
    }

    /**
     * The format of the bytes this code writes and reads: a hash of the read models' schema scripts, of the state
     * tables, and of {@link #PROJECTION_LOGIC}.
     */
    static long format() {
        Long known = format;
        if (known != null) {
            return known;
        }
        StringBuilder layout = new StringBuilder("projection logic ").append(PROJECTION_LOGIC).append('\n')
                .append(String.join(",", TABLES));
        for (String script : ScratchReplay.SCHEMA_SCRIPTS) {
            layout.append('\n').append(script).append('\n').append(ScratchReplay.schemaScript(script));
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(layout.toString().getBytes(StandardCharsets.UTF_8));
            long value = 0;
            for (int i = 0; i < Long.BYTES; i++) {
                value = (value << 8) | (digest[i] & 0xff);
            }
            format = value;
            return value;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /** The rows of every state table of the scratch behind {@code connection}. */
    static byte[] dump(Connection connection) throws SQLException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(new DeflaterOutputStream(bytes))) {
            out.writeInt(TABLES.size());
            for (String table : TABLES) {
                try (PreparedStatement select = connection.prepareStatement("SELECT * FROM " + table);
                     ResultSet rows = select.executeQuery()) {
                    ResultSetMetaData meta = rows.getMetaData();
                    int columns = meta.getColumnCount();
                    out.writeUTF(table);
                    out.writeInt(columns);
                    for (int c = 1; c <= columns; c++) {
                        out.writeUTF(meta.getColumnName(c).toLowerCase());
                    }
                    List<Object[]> all = new ArrayList<>();
                    while (rows.next()) {
                        Object[] row = new Object[columns];
                        for (int c = 1; c <= columns; c++) {
                            row[c - 1] = rows.getObject(c);
                        }
                        all.add(row);
                    }
                    out.writeInt(all.size());
                    for (Object[] row : all) {
                        for (Object value : row) {
                            write(out, table, value);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a scratch state in memory", e);
        }
        return bytes.toByteArray();
    }

    /** Inserts the rows of {@code state} into the scratch behind {@code connection}. */
    static void restore(Connection connection, byte[] state) throws SQLException {
        Objects.requireNonNull(state, "state");
        try (DataInputStream in = new DataInputStream(new InflaterInputStream(new ByteArrayInputStream(state)))) {
            int tables = in.readInt();
            for (int t = 0; t < tables; t++) {
                String table = in.readUTF();
                if (!TABLES.contains(table)) {
                    throw new IllegalArgumentException("a history checkpoint names an unknown table: " + table);
                }
                int columns = in.readInt();
                List<String> names = new ArrayList<>(columns);
                for (int c = 0; c < columns; c++) {
                    names.add(in.readUTF());
                }
                int rows = in.readInt();
                if (rows == 0) {
                    continue;
                }
                String sql = "INSERT INTO " + table + " (" + String.join(", ", names) + ") VALUES ("
                        + String.join(", ", names.stream().map(n -> "?").toList()) + ")";
                try (PreparedStatement insert = connection.prepareStatement(sql)) {
                    for (int r = 0; r < rows; r++) {
                        for (int c = 1; c <= columns; c++) {
                            insert.setObject(c, read(in));
                        }
                        insert.addBatch();
                    }
                    insert.executeBatch();
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("a history checkpoint's state is not readable: " + e.getMessage(), e);
        }
    }

    private static void write(DataOutputStream out, String table, Object value) throws IOException {
        if (value == null) {
            out.writeByte(NULL);
        } else if (value instanceof String text) {
            out.writeByte(TEXT);
            out.writeUTF(text);
        } else if (value instanceof BigDecimal decimal) {
            out.writeByte(DECIMAL);
            byte[] unscaled = decimal.unscaledValue().toByteArray();
            out.writeInt(decimal.scale());
            out.writeShort(unscaled.length);
            out.write(unscaled);
        } else if (value instanceof Integer number) {
            out.writeByte(INT);
            out.writeInt(number);
        } else if (value instanceof Long number) {
            out.writeByte(LONG);
            out.writeLong(number);
        } else if (value instanceof Boolean flag) {
            out.writeByte(BOOLEAN);
            out.writeBoolean(flag);
        } else {
            throw new IllegalStateException(table + " holds a " + value.getClass().getName()
                    + ", which a history checkpoint cannot keep");
        }
    }

    private static Object read(DataInputStream in) throws IOException {
        byte tag = in.readByte();
        return switch (tag) {
            case NULL -> null;
            case TEXT -> in.readUTF();
            case DECIMAL -> {
                int scale = in.readInt();
                byte[] unscaled = new byte[in.readUnsignedShort()];
                in.readFully(unscaled);
                yield new BigDecimal(new BigInteger(unscaled), scale);
            }
            case INT -> in.readInt();
            case LONG -> in.readLong();
            case BOOLEAN -> in.readBoolean();
            default -> throw new IOException("unknown value tag " + tag);
        };
    }
}
