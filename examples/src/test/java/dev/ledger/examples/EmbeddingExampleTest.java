package dev.ledger.examples;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs the examples as a reader would and checks what they print, so that they cannot rot. */
class EmbeddingExampleTest {

    @Test
    void embeddingExamplePrintsTheOutcomesAndFiguresOfTheWorkedExample() {
        List<String> lines = runMain(() -> EmbeddingExample.main(new String[0]));

        assertThat(lines).contains(
                "ConfigureSymbol sym-btc: accepted",
                "Transfer tr-1: accepted",
                "RecordFill fill-1: accepted",
                "RecordFill fill-2: accepted",
                "Deposit dep-1: duplicate; first outcome: accepted",
                // 10000 deposited - 2500 transferred - 1.2 fee + 500 realized
                "alice:FUTURES USDT wallet 7998.80000000 available 3498.80000000 equity 9498.80000000",
                "alice:COPY USDT wallet 2500.00000000 available 2500.00000000 equity 2500.00000000",
                "position BTCUSDT LONG 1.50000000 margin 4500.00000000 unrealized 1500.00000000"
                        + " liquidation price 27135.67839196",
                "performance realized 500.00000000 fees 1.20000000 total 1998.80000000 roi 0.19988000"
                        + " max drawdown 1.20000000");
        assertThat(lines).anyMatch(line -> line.startsWith("Withdraw wd-1: rejected INSUFFICIENT_FUNDS"));
    }

    @Test
    void concurrentCallersGetOneOutcomePerCommandAndKeepEachCallersOrder() {
        List<String> lines = runMain(() -> ConcurrentCallers.main(new String[0]));

        int perThread = 3 + ConcurrentCallers.TRANSFERS_PER_THREAD + 1;
        int commands = ConcurrentCallers.THREADS * perThread;
        assertThat(lines).contains(
                "commands " + commands + ": accepted " + (commands - ConcurrentCallers.THREADS)
                        + ", rejected " + ConcurrentCallers.THREADS + ", duplicates 0",
                "user0:FUTURES USDT wallet 900.00000000",
                "user0:COPY USDT wallet 100.00000000");
    }

    @Test
    void readmeQuotesTheEmbeddingExampleAsItIs() throws IOException {
        Path module = Path.of("").toAbsolutePath();
        String source = Files.readString(
                module.resolve("src/main/java/dev/ledger/examples/EmbeddingExample.java"), StandardCharsets.UTF_8);
        String readme = Files.readString(module.resolveSibling("README.md"), StandardCharsets.UTF_8);

        String quoted = source.substring(source.indexOf("// README:begin\n") + "// README:begin\n".length(),
                source.indexOf("    // README:end"));
        assertThat(quoted).contains("public static void main");
        assertThat(readme).as("README.md must quote EmbeddingExample between its README markers verbatim")
                .contains(quoted);
    }

    private interface Program {
        void run() throws Exception;
    }

    private static List<String> runMain(Program program) {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            program.run();
        } catch (Exception e) {
            throw new AssertionError("the example failed", e);
        } finally {
            System.setOut(original);
        }
        String output = captured.toString(StandardCharsets.UTF_8);
        original.print(output);
        return output.lines().toList();
    }
}
