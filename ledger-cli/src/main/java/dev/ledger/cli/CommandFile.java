package dev.ledger.cli;

import dev.ledger.api.json.CommandJson;
import dev.ledger.api.json.MalformedCommandException;
import dev.ledger.domain.command.LedgerCommand;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A JSON Lines file of commands, read twice: once to check every line's form, once to hand out the
 * commands in chunks. Reading twice keeps memory bounded by a chunk, not by the file. Standard input
 * ({@code -}) is copied to a temporary file first so that it can be read twice too.
 *
 * <p>Line numbers are physical and 1-based; blank lines and lines starting with {@code #} are skipped
 * but counted.
 */
final class CommandFile implements Closeable {

    /** Name of standard input in messages. */
    static final String STDIN_NAME = "<stdin>";

    /** A command with the line it came from. */
    record NumberedCommand(long line, LedgerCommand command) {
    }

    /** A line that is not a well-formed command, and why. */
    record MalformedLine(long line, String why) {
    }

    private final Path path;
    private final String name;
    private final boolean temporary;

    private CommandFile(Path path, String name, boolean temporary) {
        this.path = path;
        this.name = name;
        this.temporary = temporary;
    }

    /** The file named {@code argument}, or standard input for {@code -}. */
    static CommandFile open(String argument, InputStream stdin) {
        if (argument.equals("-")) {
            try {
                Path copy = Files.createTempFile("ledger-apply-", ".jsonl");
                try {
                    Files.copy(stdin, copy, StandardCopyOption.REPLACE_EXISTING);
                } catch (IOException e) {
                    Files.deleteIfExists(copy);
                    throw e;
                }
                return new CommandFile(copy, STDIN_NAME, true);
            } catch (IOException e) {
                throw new CliFailure("ledger apply: cannot read standard input: " + e.getMessage()
                        + "; check the temporary directory (java.io.tmpdir) has room");
            }
        }
        Path path = Path.of(argument);
        if (Files.isDirectory(path)) {
            throw new CliFailure("ledger apply: " + argument + " is a directory; name a JSON Lines file of commands, "
                    + "or - for standard input");
        }
        if (Files.exists(path) && !Files.isRegularFile(path)) {
            throw new CliFailure("ledger apply: " + argument + " is not a regular file (apply reads its file twice); "
                    + "copy it to a file, or pipe it in with - for standard input");
        }
        if (!Files.isRegularFile(path)) {
            throw new CliFailure("ledger apply: " + argument + ": no such file; name a JSON Lines file of commands, "
                    + "or - for standard input");
        }
        if (!Files.isReadable(path)) {
            throw new CliFailure("ledger apply: " + argument + ": not readable; check its permissions");
        }
        return new CommandFile(path, argument, false);
    }

    /** How the file is named in messages: as given, or {@link #STDIN_NAME}. */
    String name() {
        return name;
    }

    /**
     * Checks every line's form, reporting each malformed one to {@code malformed}.
     *
     * @return the number of well-formed commands
     */
    long check(Consumer<MalformedLine> malformed) {
        long wellFormed = 0;
        try (Lines lines = new Lines()) {
            for (Line line = lines.next(); line != null; line = lines.next()) {
                try {
                    parse(line);
                    wellFormed++;
                } catch (MalformedCommandException e) {
                    malformed.accept(new MalformedLine(line.number(), e.getMessage()));
                }
            }
        }
        return wellFormed;
    }

    private static LedgerCommand parse(Line line) throws MalformedCommandException {
        if (line.unreadable() != null) {
            throw new MalformedCommandException(line.unreadable());
        }
        return CommandJson.parse(line.text());
    }

    /** Reads the commands again, for applying; only after {@link #check} found no malformed line. */
    Chunks chunks() {
        return new Chunks();
    }

    @Override
    public void close() {
        if (temporary) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException ignored) {
                // A leftover file in the temporary directory harms nothing.
            }
        }
    }

    /** The commands of the file, a chunk at a time. */
    final class Chunks implements Closeable {
        private final Lines lines = new Lines();

        /** Up to {@code max} commands in file order; empty at the end of the file. */
        List<NumberedCommand> next(int max) {
            List<NumberedCommand> chunk = new ArrayList<>(Math.min(max, 1024));
            while (chunk.size() < max) {
                Line line = lines.next();
                if (line == null) {
                    break;
                }
                try {
                    chunk.add(new NumberedCommand(line.number(), parse(line)));
                } catch (MalformedCommandException e) {
                    throw new CliFailure(name + ":" + line.number() + ": MALFORMED: " + e.getMessage()
                            + " (the file changed while apply was reading it; lines before this one were applied)");
                }
            }
            return chunk;
        }

        @Override
        public void close() {
            lines.close();
        }
    }

    /**
     * A line that is neither blank nor a comment: its text, or why it cannot be read as text (not
     * UTF-8, or too long to be a command).
     */
    private record Line(long number, String text, String unreadable) {
    }

    /**
     * The command lines of the file with their physical numbers. Lines are split on bytes and decoded
     * one by one, so that a byte sequence that is not UTF-8 is reported on its own line.
     */
    private final class Lines implements Closeable {
        /** A line longer than this many bytes has more than {@link CommandJson#MAX_LENGTH} characters. */
        private static final int MAX_LINE_BYTES = 3 * CommandJson.MAX_LENGTH;

        private final InputStream in;
        private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        private final byte[] buffer = new byte[MAX_LINE_BYTES + 1];
        private long number;

        private Lines() {
            try {
                this.in = new BufferedInputStream(Files.newInputStream(path), 1 << 16);
            } catch (IOException e) {
                throw new CliFailure("ledger apply: cannot open " + name + ": " + e.getMessage());
            }
        }

        /** The next line that is neither blank nor a comment, or {@code null} at the end. */
        Line next() {
            while (true) {
                int length = 0;
                long bytes = 0;
                int b;
                try {
                    b = in.read();
                    if (b == -1) {
                        return null;
                    }
                    while (b != -1 && b != '\n') {
                        if (length < buffer.length) {
                            buffer[length++] = (byte) b;
                        }
                        bytes++;
                        b = in.read();
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read " + name + " after line " + number, e);
                }
                number++;
                if (bytes > MAX_LINE_BYTES) {
                    return new Line(number, null, "the line is " + bytes + " bytes long; a command has at most "
                            + CommandJson.MAX_LENGTH + " characters");
                }
                int start = number == 1 && startsWithByteOrderMark(length) ? 3 : 0; // some editors write one
                if (length > start && buffer[length - 1] == '\r') {
                    length--;
                }
                String text;
                try {
                    text = decoder.decode(ByteBuffer.wrap(buffer, start, length - start)).toString();
                } catch (CharacterCodingException e) {
                    return new Line(number, null, "not UTF-8 text; save the file as UTF-8");
                }
                if (!text.isBlank() && !text.startsWith("#")) {
                    return new Line(number, text, null);
                }
            }
        }

        private boolean startsWithByteOrderMark(int length) {
            return length >= 3 && buffer[0] == (byte) 0xEF && buffer[1] == (byte) 0xBB && buffer[2] == (byte) 0xBF;
        }

        @Override
        public void close() {
            try {
                in.close();
            } catch (IOException ignored) {
                // Read-only; nothing to flush.
            }
        }
    }
}
