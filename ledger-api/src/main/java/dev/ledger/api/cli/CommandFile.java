package dev.ledger.api.cli;

import dev.ledger.api.json.CommandJson;
import dev.ledger.api.json.MalformedCommandException;
import dev.ledger.domain.command.LedgerCommand;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
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
            for (String text = lines.next(); text != null; text = lines.next()) {
                try {
                    CommandJson.parse(text);
                    wellFormed++;
                } catch (MalformedCommandException e) {
                    malformed.accept(new MalformedLine(lines.number(), e.getMessage()));
                }
            }
        }
        return wellFormed;
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
                String text = lines.next();
                if (text == null) {
                    break;
                }
                try {
                    chunk.add(new NumberedCommand(lines.number(), CommandJson.parse(text)));
                } catch (MalformedCommandException e) {
                    throw new CliFailure(name + ":" + lines.number() + ": MALFORMED: " + e.getMessage()
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

    /** The command lines of the file with their physical numbers. */
    private final class Lines implements Closeable {
        private final BufferedReader reader;
        private long number;

        private Lines() {
            try {
                // The default decoder of newBufferedReader refuses bytes that are not UTF-8 instead of guessing.
                this.reader = Files.newBufferedReader(path, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new CliFailure("ledger apply: cannot open " + name + ": " + e.getMessage());
            }
        }

        /** The next line that is neither blank nor a comment, or {@code null} at the end. */
        String next() {
            while (true) {
                String text;
                try {
                    text = reader.readLine();
                } catch (CharacterCodingException e) {
                    throw new CliFailure(name + ":" + (number + 1) + ": not UTF-8 text; save the file as UTF-8");
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read " + name + " after line " + number, e);
                }
                if (text == null) {
                    return null;
                }
                number++;
                if (number == 1 && text.startsWith("\uFEFF")) {
                    text = text.substring(1); // a byte order mark some editors write; not part of the JSON
                }
                if (!text.isBlank() && !text.startsWith("#")) {
                    return text;
                }
            }
        }

        long number() {
            return number;
        }

        @Override
        public void close() {
            try {
                reader.close();
            } catch (IOException ignored) {
                // Read-only; nothing to flush.
            }
        }
    }
}
