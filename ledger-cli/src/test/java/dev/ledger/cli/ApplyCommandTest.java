package dev.ledger.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

class ApplyCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Ten physical lines: comments and a blank line count for line numbers. */
    private static final String GOOD_FILE = String.join("\n",
            "# alice opens two accounts and funds them",
            "{\"id\":\"c1\",\"type\":\"OpenAccount\",\"account\":\"alice:FUTURES\"}",
            "{\"id\":\"c2\",\"type\":\"OpenAccount\",\"account\":\"alice:COPY\"}",
            "",
            "{\"id\":\"c3\",\"type\":\"Deposit\",\"account\":\"alice:FUTURES\",\"asset\":\"USDT\",\"amount\":\"10000\"}",
            "{\"id\":\"c4\",\"type\":\"Transfer\",\"from\":\"alice:FUTURES\",\"to\":\"alice:COPY\",\"asset\":\"USDT\",\"amount\":\"3000\"}",
            "# more than she has",
            "{\"id\":\"c5\",\"type\":\"Transfer\",\"from\":\"alice:FUTURES\",\"to\":\"alice:COPY\",\"asset\":\"USDT\",\"amount\":\"50000\"}",
            "{\"amount\":\"3000.00\",\"id\":\"c4\",\"type\":\"Transfer\",\"from\":\"alice:FUTURES\",\"to\":\"alice:COPY\",\"asset\":\"USDT\"}",
            "{\"id\":\"c6\",\"type\":\"Withdraw\",\"account\":\"alice:COPY\",\"asset\":\"USDT\",\"amount\":\"1\"}") + "\n";

    @TempDir
    Path directory;

    private Path file(String name, String content) throws IOException {
        Path file = directory.resolve(name);
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }

    @Test
    void appliesNothingWhenOneLineIsMalformedAndReportsEveryMalformedLine() throws IOException {
        String db = CliRun.freshDatabase("apply-malformed");
        Path commands = file("commands.jsonl", String.join("\n",
                "{\"id\":\"c1\",\"type\":\"OpenAccount\",\"account\":\"alice:FUTURES\"}",
                "{\"id\":\"c2\",\"type\":\"Deposit\",\"account\":\"alice:FUTURES\",\"asset\":\"USDT\",\"amount\":\"100\"}",
                "{\"id\":\"c3\",\"type\":\"Deposit\",\"account\":\"alice:FUTURES\",\"asset\":\"USDT\",\"amount\":100}",
                "# a comment counts as a line",
                "{\"id\":\"c4\",\"type\":\"Deposit\",\"account\":\"alice:FUTURES\",\"asset\":\"USDT\",\"amount\":\"1.123456789\"}",
                "{\"id\":\"c5\",\"type\":\"OpenAccount\",\"account\":\"alice:COPY\"}"));

        CliRun apply = CliRun.of("apply", commands.toString(), "--db", db);

        assertThat(apply.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(apply.out()).isEmpty();
        List<String> malformed = Arrays.stream(apply.errLines()).filter(l -> l.contains("MALFORMED")).toList();
        assertThat(malformed).hasSize(2);
        assertThat(malformed.get(0)).startsWith(commands + ":3: MALFORMED: amount: must be a decimal string");
        assertThat(malformed.get(1)).startsWith(commands + ":5: MALFORMED: amount: \"1.123456789\" has 9 fractional digits");
        assertThat(apply.err()).contains("nothing was applied");

        CliRun balance = CliRun.of("query", "balance", "alice:FUTURES", "--db", db);
        assertThat(balance.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(balance.err()).contains("holds no events yet");
        CliRun accounts = CliRun.of("query", "accounts", "alice", "--json", "--db", db);
        assertThat(json(accounts.out())).isEqualTo(json("{\"user\":\"alice\",\"accounts\":[]}"));
    }

    @Test
    void reportsOutcomesInTheContractsJsonShapeWithPhysicalLineNumbers() throws IOException {
        String db = CliRun.freshDatabase("apply-json");
        Path commands = file("commands.jsonl", GOOD_FILE);

        CliRun apply = CliRun.of("apply", commands.toString(), "--json", "--db", db);

        assertThat(apply.exitCode()).as(apply.err()).isEqualTo(ExitCodes.DONE);
        JsonNode report = json(apply.out());
        assertThat(fieldNames(report)).containsExactly("applied", "duplicates", "rejected", "rejections");
        assertThat(report.get("applied").isIntegralNumber()).isTrue();
        assertThat(report.get("applied").asInt()).isEqualTo(4);
        assertThat(report.get("duplicates").asInt()).isEqualTo(1);
        assertThat(report.get("rejected").asInt()).isEqualTo(2);
        JsonNode rejections = report.get("rejections");
        assertThat(rejections).hasSize(2);
        for (JsonNode rejection : rejections) {
            assertThat(fieldNames(rejection)).containsExactly("line", "id", "code", "message");
            assertThat(rejection.get("line").isIntegralNumber()).isTrue();
            assertThat(rejection.get("message").asText()).isNotBlank();
        }
        assertThat(rejections.get(0).get("line").asInt()).isEqualTo(8);
        assertThat(rejections.get(0).get("id").asText()).isEqualTo("c5");
        assertThat(rejections.get(0).get("code").asText()).isEqualTo("INSUFFICIENT_FUNDS");
        assertThat(rejections.get(1).get("line").asInt()).isEqualTo(10);
        assertThat(rejections.get(1).get("id").asText()).isEqualTo("c6");
        assertThat(rejections.get(1).get("code").asText()).isEqualTo("TRANSFER_NOT_ALLOWED");
    }

    @Test
    void leavesBalancesThatQueryShowsInTheContractsShape() throws IOException {
        String db = CliRun.freshDatabase("apply-query");
        assertThat(CliRun.of("apply", file("commands.jsonl", GOOD_FILE).toString(), "--db", db).exitCode()).isZero();

        CliRun futures = CliRun.of("query", "balance", "alice:FUTURES", "--json", "--db", db);

        assertThat(futures.exitCode()).as(futures.err()).isZero();
        JsonNode view = json(futures.out());
        assertThat(fieldNames(view)).containsExactly("account", "balances");
        assertThat(view.get("account").asText()).isEqualTo("alice:FUTURES");
        assertThat(view.get("balances")).hasSize(1);
        JsonNode usdt = view.get("balances").get(0);
        assertThat(fieldNames(usdt)).containsExactly("asset", "wallet", "inTransit", "isolatedMargin",
                "crossInitialMargin", "unrealizedPnl", "equity", "available");
        assertThat(usdt.get("asset").asText()).isEqualTo("USDT");
        assertThat(usdt.get("wallet").isTextual()).as("amounts are JSON strings").isTrue();
        assertThat(amount(usdt, "wallet")).isEqualByComparingTo("7000");
        assertThat(amount(usdt, "inTransit")).isEqualByComparingTo("0");
        assertThat(amount(usdt, "isolatedMargin")).isEqualByComparingTo("0");
        assertThat(amount(usdt, "crossInitialMargin")).isEqualByComparingTo("0");
        assertThat(amount(usdt, "unrealizedPnl")).isEqualByComparingTo("0");
        assertThat(amount(usdt, "equity")).isEqualByComparingTo("7000");
        assertThat(amount(usdt, "available")).isEqualByComparingTo("7000");

        JsonNode copy = json(CliRun.of("query", "balance", "alice:COPY", "--json", "--db", db).out());
        assertThat(amount(copy.get("balances").get(0), "wallet")).isEqualByComparingTo("3000");

        CliRun accounts = CliRun.of("query", "accounts", "alice", "--json", "--db", db);
        assertThat(json(accounts.out())).isEqualTo(json("{\"user\":\"alice\",\"accounts\":["
                + "{\"account\":\"alice:FUTURES\",\"status\":\"OPEN\"},{\"account\":\"alice:COPY\",\"status\":\"OPEN\"}]}"));
    }

    @Test
    void exitsWithOneUnderStrictWhenACommandWasRefused() throws IOException {
        Path commands = file("commands.jsonl", GOOD_FILE);

        CliRun strict = CliRun.of("apply", commands.toString(), "--strict", "--db", CliRun.freshDatabase("apply-strict"));

        assertThat(strict.exitCode()).isEqualTo(ExitCodes.PROBLEM_REPORTED);
        assertThat(strict.out()).contains("rejected 2");
    }

    @Test
    void exitsWithZeroUnderStrictWhenNothingWasRefused() throws IOException {
        Path commands = file("commands.jsonl", "{\"id\":\"c1\",\"type\":\"OpenAccount\",\"account\":\"alice:FUTURES\"}\n");

        CliRun strict = CliRun.of("apply", commands.toString(), "--strict", "--db", CliRun.freshDatabase("apply-strict-ok"));

        assertThat(strict.exitCode()).as(strict.err()).isEqualTo(ExitCodes.DONE);
    }

    @Test
    void countsARepeatedFileAsDuplicatesOnly() throws IOException {
        String db = CliRun.freshDatabase("apply-twice");
        Path commands = file("commands.jsonl", GOOD_FILE);
        CliRun.of("apply", commands.toString(), "--db", db);

        CliRun again = CliRun.of("apply", commands.toString(), "--json", "--db", db);

        assertThat(json(again.out())).isEqualTo(json(
                "{\"applied\":0,\"duplicates\":7,\"rejected\":0,\"rejections\":[]}"));
    }

    @Test
    void printsEachRefusalOnALineOfItsOwnForPeople() throws IOException {
        Path commands = file("commands.jsonl", GOOD_FILE);

        CliRun apply = CliRun.of("apply", commands.toString(), "--db", CliRun.freshDatabase("apply-human"));

        assertThat(apply.out().lines()).containsExactly(
                commands + ":8: c5 refused INSUFFICIENT_FUNDS: " + messageOf(apply.out(), ":8: "),
                commands + ":10: c6 refused TRANSFER_NOT_ALLOWED: " + messageOf(apply.out(), ":10: "),
                "applied 4, duplicates 1, rejected 2");
    }

    @Test
    void readsStandardInputForADash() {
        InputStream stdin = System.in;
        try {
            System.setIn(new ByteArrayInputStream(GOOD_FILE.getBytes(StandardCharsets.UTF_8)));
            CliRun apply = CliRun.of("apply", "-", "--json", "--db", CliRun.freshDatabase("apply-stdin"));
            assertThat(apply.exitCode()).as(apply.err()).isZero();
            assertThat(json(apply.out()).get("applied").asInt()).isEqualTo(4);
        } finally {
            System.setIn(stdin);
        }
    }

    @Test
    void namesStandardInputInMalformedLineReports() {
        InputStream stdin = System.in;
        try {
            System.setIn(new ByteArrayInputStream("\n{\"id\":\"c1\",\"type\":\"OpenAccount\"}\n".getBytes(StandardCharsets.UTF_8)));
            CliRun apply = CliRun.of("apply", "-", "--db", CliRun.freshDatabase("apply-stdin-bad"));
            assertThat(apply.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
            assertThat(apply.errLines()[0]).isEqualTo("<stdin>:2: MALFORMED: account: missing (OpenAccount requires it)");
        } finally {
            System.setIn(stdin);
        }
    }

    @Test
    void appliesAFileOfOnlyCommentsAsNothing() throws IOException {
        CliRun apply = CliRun.of("apply", file("empty.jsonl", "# nothing yet\n\n").toString(), "--json",
                "--db", CliRun.freshDatabase("apply-empty"));

        assertThat(apply.exitCode()).isZero();
        assertThat(json(apply.out())).isEqualTo(json("{\"applied\":0,\"duplicates\":0,\"rejected\":0,\"rejections\":[]}"));
    }

    @Test
    void refusesAFileThatDoesNotExistWithOneLine() {
        Path missing = directory.resolve("missing.jsonl");

        CliRun apply = CliRun.of("apply", missing.toString(), "--db", CliRun.freshDatabase("apply-missing"));

        assertThat(apply.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(apply.errLines()).singleElement().asString().contains(missing + ": no such file");
    }

    @Test
    void refusesAFileThatIsNotUtf8NamingTheLine() throws IOException {
        Path latin1 = directory.resolve("latin1.jsonl");
        Files.write(latin1, "# ok\n{\"id\":\"caf\u00e9\"}\n".getBytes(StandardCharsets.ISO_8859_1));

        CliRun apply = CliRun.of("apply", latin1.toString(), "--db", CliRun.freshDatabase("apply-latin1"));

        assertThat(apply.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(apply.errLines()[0]).isEqualTo(latin1 + ":2: MALFORMED: not UTF-8 text; save the file as UTF-8");
    }

    @Test
    void reportsAnUnknownAccountOnStandardErrorWithExitTwo() throws IOException {
        String db = CliRun.freshDatabase("query-unknown");
        assertThat(CliRun.of("apply", file("alice.jsonl", GOOD_FILE).toString(), "--db", db).exitCode()).isZero();

        CliRun query = CliRun.of("query", "balance", "bob:FUTURES", "--json", "--db", db);

        assertThat(query.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(query.out()).isEmpty();
        assertThat(query.errLines()).singleElement().asString()
                .contains("ACCOUNT_NOT_FOUND: account bob:FUTURES has not been opened");
    }

    @Test
    void listsNoAccountsForAUserWithout() {
        CliRun query = CliRun.of("query", "accounts", "nobody", "--db", CliRun.freshDatabase("query-nobody"));

        assertThat(query.exitCode()).isZero();
        assertThat(query.out()).isEqualTo("user nobody has no accounts" + System.lineSeparator());
    }

    private static String messageOf(String out, String marker) {
        String line = out.lines().filter(l -> l.contains(marker)).findFirst().orElseThrow();
        return line.substring(line.indexOf(": ", line.indexOf(" refused ")) + 2);
    }

    private static BigDecimal amount(JsonNode balance, String field) {
        return new BigDecimal(balance.get(field).asText());
    }

    private static List<String> fieldNames(JsonNode node) {
        return StreamSupport.stream(((Iterable<String>) node::fieldNames).spliterator(), false).toList();
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }
}
