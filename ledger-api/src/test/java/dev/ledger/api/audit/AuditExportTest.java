package dev.ledger.api.audit;

import dev.ledger.api.support.MutableClock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ledger.api.Ledger;
import dev.ledger.api.store.LedgerStore;
import dev.ledger.api.store.StoreSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import javax.sql.DataSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import static dev.ledger.api.audit.AuditScenario.DAY_1;
import static dev.ledger.api.audit.AuditScenario.DAY_2;
import static dev.ledger.api.audit.AuditScenario.DAY_3;
import static dev.ledger.api.audit.Exports.export;
import static dev.ledger.api.audit.Exports.verify;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditExportTest {

    private Ledger ledger;
    private DataSource store;

    @BeforeAll
    void populate() {
        MutableClock clock = new MutableClock(DAY_1);
        ledger = Ledger.builder().store(StoreSettings.inMemory("audit-" + UUID.randomUUID())).clock(clock).build();
        AuditScenario.populate(ledger, clock);
        store = ledger.store().dataSource();
    }

    @AfterAll
    void close() {
        ledger.close();
    }

    @Nested
    class WholeStore {

        @ParameterizedTest
        @EnumSource(ExportFormat.class)
        void exportsEveryEventInPositionOrderAndVerifies(ExportFormat format) {
            Exports.Export export = export(store, ExportFilter.all(), format);

            assertThat(export.positions()).isEqualTo(StoredEvents.positions(store, ""));
            assertThat(export.summary().count()).isEqualTo(StoredEvents.count(store, ""));
            assertThat(export.lines()).hasSize((int) export.summary().count() + 1);
            VerificationResult result = verify(export.bytes());
            assertThat(result.ok()).as(result.message()).isTrue();
            assertThat(result.format()).isEqualTo(format);
            assertThat(result.count()).isEqualTo(export.summary().count());
            assertThat(result.headHash()).isEqualTo(export.summary().headHash());
            assertThat(result.message()).isEqualTo("OK " + export.summary().count() + " events, head "
                    + export.summary().headHash());
        }

        @ParameterizedTest
        @EnumSource(ExportFormat.class)
        void exportingTheSameEventsAgainGivesTheSameBytes(ExportFormat format) {
            assertThat(export(store, ExportFilter.all(), format).bytes())
                    .isEqualTo(export(store, ExportFilter.all(), format).bytes());
        }

        @Test
        void aSmallFetchSizeStreamsTheSameFile() throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            AuditExport.withFetchSize(store, 3).run(ExportFilter.all(), ExportFormat.JSON_LINES, out, ExportProgress.NONE);
            assertThat(out.toByteArray()).isEqualTo(export(store, ExportFilter.all(), ExportFormat.JSON_LINES).bytes());
        }

        @Test
        void eachHashCoversThePreviousHashAndTheLineWithoutItsHash() throws Exception {
            // Recomputed by text surgery, independently of the exporter's canonical writer.
            List<String> lines = export(store, ExportFilter.all(), ExportFormat.JSON_LINES).lines();
            String prev = "0".repeat(64);
            for (String line : lines) {
                String hash = Exports.json(line).get("hash").textValue();
                String content = line.replace(",\"hash\":\"" + hash + "\"", "");
                assertThat(content).hasSize(line.length() - 74);
                assertThat(sha256(prev + "\n" + content)).isEqualTo(hash);
                assertThat(Exports.json(line).get("prevHash").textValue()).isEqualTo(prev);
                prev = hash;
            }
        }

        @Test
        void theTrailerCarriesCountHeadHashAndFilter() {
            Exports.Export export = export(store, ExportFilter.all(), ExportFormat.JSON_LINES);
            ObjectNode trailer = export.trailer();
            assertThat(trailer.get("trailer").booleanValue()).isTrue();
            assertThat(trailer.get("format").textValue()).isEqualTo("ledger-audit-export/1");
            assertThat(trailer.get("count").asLong()).isEqualTo(export.summary().count());
            assertThat(trailer.get("headHash").textValue()).isEqualTo(export.summary().headHash());
            assertThat(trailer.get("prevHash").textValue()).isEqualTo(export.summary().headHash());
            assertThat(trailer.get("filter").toString())
                    .isEqualTo("{\"account\":null,\"from\":null,\"to\":null,\"user\":null}");
        }

        @Test
        void reportsProgressAtTheEnd() throws IOException {
            List<long[]> calls = new ArrayList<>();
            ExportSummary summary = AuditExport.write(store, ExportFilter.all(), ExportFormat.JSON_LINES,
                    new ByteArrayOutputStream(), (written, position) -> calls.add(new long[] {written, position}));
            assertThat(calls).hasSize(1);
            assertThat(calls.get(0)).containsExactly(summary.count(), ledger.store().headIndex());
        }
    }

    @Nested
    class JsonLines {

        private final List<ObjectNode> lines = export(store, ExportFilter.all(), ExportFormat.JSON_LINES).eventLines();

        @Test
        void aLineHoldsTheStoredEventWithDecimalsAsStrings() {
            ObjectNode deposit = byCommand(lines, "d1", "FundsDeposited");
            assertThat(deposit.get("type").textValue()).isEqualTo("FundsDeposited");
            assertThat(deposit.get("payloadType").textValue()).isEqualTo("dev.ledger.domain.event.FundsDeposited");
            assertThat(deposit.get("revision").textValue()).isEqualTo("1");
            assertThat(deposit.get("aggregate").textValue()).isEqualTo("alice:FUTURES");
            assertThat(deposit.get("sequence").isIntegralNumber()).isTrue();
            assertThat(deposit.get("accounts")).containsExactly(text("alice:FUTURES"));
            assertThat(deposit.get("timestamp").textValue()).isEqualTo(DAY_1.toString());
            assertThat(deposit.get("payload").toString()).isEqualTo(
                    "{\"account\":\"alice:FUTURES\",\"amount\":\"10000\",\"asset\":\"USDT\",\"walletAfter\":\"10000\"}");
            assertThat(deposit.get("eventId").textValue()).hasSize(36);
            assertThat(deposit.get("position").asLong()).isPositive();
        }

        @Test
        void transferLinesNameBothAccountsTheirOwnFirst() {
            assertThat(byCommand(lines, "t1", "TransferSent").get("accounts"))
                    .containsExactly(text("alice:FUTURES"), text("alice:COPY"));
            assertThat(byCommand(lines, "t1", "TransferReceived").get("accounts"))
                    .containsExactly(text("alice:COPY"), text("alice:FUTURES"));
            assertThat(byCommand(lines, "t1", "TransferSettled").get("accounts"))
                    .containsExactly(text("alice:FUTURES"), text("alice:COPY"));
            assertThat(byCommand(lines, "s1", "FundsMigratedOut").get("accounts"))
                    .containsExactly(text("carol:LEGACY"), text("carol:FUTURES"));
        }

        @Test
        void marketLinesConcernNoAccount() {
            ObjectNode mark = byCommand(lines, "m3", "MarkPriceUpdated");
            assertThat(mark.get("aggregate").textValue()).isEqualTo("MARKET");
            assertThat(mark.get("accounts")).isEmpty();
            assertThat(mark.get("timestamp").textValue()).isEqualTo("2025-03-02T09:00:00.250Z");
            assertThat(mark.get("payload").get("price").textValue()).isEqualTo("51000.5");
        }

        @Test
        void metadataKeepsTextThatNeedsEscaping() {
            ObjectNode deposit = byCommand(lines, AuditScenario.AWKWARD_COMMAND_ID, "FundsDeposited");
            assertThat(deposit.get("payload").get("amount").textValue()).isEqualTo("1.00000001");
            String raw = export(store, ExportFilter.all(), ExportFormat.JSON_LINES).lines().stream()
                    .filter(line -> line.contains("1.00000001")).findFirst().orElseThrow();
            assertThat(raw).contains("\"metadata\":{\"commandId\":\"dépôt \\\"ü\\\"\\\\\\t💰\"}");
        }
    }

    @Nested
    class CloudEvents {

        private final List<ObjectNode> events = export(store, ExportFilter.all(), ExportFormat.CLOUDEVENTS).eventLines();
        private final List<ObjectNode> lines = export(store, ExportFilter.all(), ExportFormat.JSON_LINES).eventLines();

        @Test
        void anEventIsACloudEventWithThePayloadAsData() {
            ObjectNode line = byCommand(lines, "d1", "FundsDeposited");
            ObjectNode event = events.stream()
                    .filter(e -> e.get("id").textValue().equals(line.get("eventId").textValue()))
                    .findFirst().orElseThrow();
            assertThat(event.get("specversion").textValue()).isEqualTo("1.0");
            assertThat(event.get("source").textValue()).isEqualTo("urn:ledger:alice:FUTURES");
            assertThat(event.get("type").textValue()).isEqualTo("dev.ledger.FundsDeposited.v1");
            assertThat(event.get("subject").textValue()).isEqualTo("alice:FUTURES");
            assertThat(event.get("time").textValue()).isEqualTo(DAY_1.toString());
            assertThat(event.get("datacontenttype").textValue()).isEqualTo("application/json");
            assertThat(event.get("data")).isEqualTo(line.get("payload"));
            assertThat(event.get("ledgerposition").textValue()).isEqualTo(line.get("position").asText());
            assertThat(event.get("ledgersequence").textValue()).isEqualTo(line.get("sequence").asText());
            assertThat(event.get("ledgeraccounts").textValue()).isEqualTo("alice:FUTURES");
            assertThat(event.get("ledgerpayloadtype").textValue()).isEqualTo("dev.ledger.domain.event.FundsDeposited");
            assertThat(event.get("ledgerrevision").textValue()).isEqualTo("1");
            assertThat(event.get("ledgermetadata").textValue()).isEqualTo("{\"commandId\":\"d1\"}");
        }

        @Test
        void extensionAttributeNamesFollowTheCloudEventsNamingRule() {
            for (ObjectNode event : events) {
                event.fieldNames().forEachRemaining(name -> assertThat(name).matches("[a-z0-9]{1,20}"));
            }
        }

        @Test
        void marketEventsHaveNoSubjectAndTransfersListBothAccounts() {
            ObjectNode mark = events.stream().filter(e -> e.get("type").textValue().equals("dev.ledger.MarkPriceUpdated.v1"))
                    .findFirst().orElseThrow();
            assertThat(mark.get("source").textValue()).isEqualTo("urn:ledger:MARKET");
            assertThat(mark.has("subject")).isFalse();
            assertThat(mark.has("ledgeraccounts")).isFalse();
            ObjectNode received = events.stream().filter(e -> e.get("type").textValue().equals("dev.ledger.TransferReceived.v1"))
                    .findFirst().orElseThrow();
            assertThat(received.get("ledgeraccounts").textValue()).isEqualTo("alice:COPY,alice:FUTURES");
        }

        @Test
        void theTrailerIsAnEventOfItsOwnType() {
            Exports.Export export = export(store, ExportFilter.all().withUser("alice"), ExportFormat.CLOUDEVENTS);
            ObjectNode trailer = export.trailer();
            assertThat(trailer.get("type").textValue()).isEqualTo("dev.ledger.export.trailer");
            assertThat(trailer.get("source").textValue()).isEqualTo("urn:ledger:export");
            assertThat(trailer.get("data").get("count").asLong()).isEqualTo(export.summary().count());
            assertThat(trailer.get("data").get("headHash").textValue()).isEqualTo(export.summary().headHash());
            assertThat(trailer.get("data").get("filter").get("user").textValue()).isEqualTo("alice");
            assertThat(trailer.get("ledgerprevhash").textValue()).isEqualTo(export.summary().headHash());
        }
    }

    @Nested
    class Filters {

        @ParameterizedTest
        @ValueSource(strings = {"alice:FUTURES", "alice:COPY", "al:FUTURES", "a_b:FUTURES", "carol:LEGACY", "carol:FUTURES"})
        void anAccountExportHoldsExactlyTheAccountsStream(String account) {
            for (ExportFormat format : ExportFormat.values()) {
                Exports.Export export = export(store, ExportFilter.all().withAccount(account), format);
                assertThat(export.positions())
                        .isNotEmpty()
                        .isEqualTo(StoredEvents.positions(store, "aggregateidentifier = ?", account));
                assertThat(verify(export.bytes()).ok()).isTrue();
            }
        }

        @Test
        void anAccountsStreamHoldsEveryTransferLegThatMovesItsMoney() {
            List<String> futures = types(export(store, ExportFilter.all().withAccount("alice:FUTURES"), ExportFormat.JSON_LINES));
            List<String> copy = types(export(store, ExportFilter.all().withAccount("alice:COPY"), ExportFormat.JSON_LINES));
            // t1: FUTURES -> COPY, t2: COPY -> FUTURES.
            assertThat(futures).containsSubsequence("TransferSent", "TransferSettled", "TransferReceived");
            assertThat(copy).containsSubsequence("TransferReceived", "TransferSent", "TransferSettled");
        }

        @Test
        void aUserExportHoldsAllTheUsersAccountsAndNoMarketEvents() {
            Exports.Export export = export(store, ExportFilter.all().withUser("alice"), ExportFormat.JSON_LINES);
            assertThat(export.positions()).isEqualTo(StoredEvents.positions(store,
                    "aggregateidentifier IN ('alice:FUTURES', 'alice:COPY')"));
            assertThat(export.eventLines()).noneMatch(line -> line.get("aggregate").textValue().equals("MARKET"));
        }

        @Test
        void aUserIsNotAPrefixOfAnother() {
            assertThat(export(store, ExportFilter.all().withUser("al"), ExportFormat.JSON_LINES).positions())
                    .isNotEmpty()
                    .isEqualTo(StoredEvents.positions(store, "aggregateidentifier = 'al:FUTURES'"));
            // '_' is a wildcard in SQL LIKE; a user named a_b must not match axb.
            assertThat(export(store, ExportFilter.all().withUser("a_b"), ExportFormat.JSON_LINES).positions())
                    .isNotEmpty()
                    .isEqualTo(StoredEvents.positions(store, "aggregateidentifier = 'a_b:FUTURES'"));
            assertThat(export(store, ExportFilter.all().withUser("nobody"), ExportFormat.JSON_LINES).positions()).isEmpty();
        }

        @Test
        void aTimeRangeIncludesFromAndExcludesTo() {
            List<StoredEvents.Row> rows = StoredEvents.rows(store, "");
            assertThat(positions(ExportFilter.all().withFrom(DAY_2).withTo(DAY_3)))
                    .isNotEmpty()
                    .isEqualTo(positionsStamped(rows, DAY_2, DAY_3));
            assertThat(positions(ExportFilter.all().withFrom(DAY_2)))
                    .isEqualTo(positionsStamped(rows, DAY_2, Instant.MAX));
            assertThat(positions(ExportFilter.all().withTo(DAY_2)))
                    .isNotEmpty()
                    .isEqualTo(positionsStamped(rows, Instant.MIN, DAY_2));
            assertThat(positions(ExportFilter.all().withFrom(DAY_3.plusNanos(1)))).isEmpty();
        }

        @Test
        void filtersCombine() {
            Exports.Export export = export(store, ExportFilter.all().withUser("alice").withFrom(DAY_2), ExportFormat.JSON_LINES);
            assertThat(export.positions())
                    .isNotEmpty()
                    .isEqualTo(StoredEvents.rows(store, "aggregateidentifier LIKE 'alice:%'").stream()
                            .filter(row -> !row.timestamp().isBefore(DAY_2)).map(StoredEvents.Row::position).toList());
            assertThat(export.trailer().get("filter").toString())
                    .isEqualTo("{\"account\":null,\"from\":\"" + DAY_2 + "\",\"to\":null,\"user\":\"alice\"}");
        }

        @ParameterizedTest
        @EnumSource(ExportFormat.class)
        void anEmptyExportIsATrailerOnTheGenesisHash(ExportFormat format) {
            Exports.Export export = export(store, ExportFilter.all().withAccount("nobody:FUTURES"), format);
            assertThat(export.lines()).hasSize(1);
            assertThat(export.summary().count()).isZero();
            assertThat(export.summary().headHash()).isEqualTo("0".repeat(64));
            assertThat(verify(export.bytes()).message()).isEqualTo("OK 0 events, head " + "0".repeat(64));
        }

        private List<Long> positions(ExportFilter filter) {
            return export(store, filter, ExportFormat.JSON_LINES).positions();
        }

        private static List<Long> positionsStamped(List<StoredEvents.Row> rows, Instant from, Instant to) {
            return rows.stream().filter(row -> !row.timestamp().isBefore(from) && row.timestamp().isBefore(to))
                    .map(StoredEvents.Row::position).toList();
        }

        private static List<String> types(Exports.Export export) {
            return export.eventLines().stream().map(line -> line.get("type").textValue()).toList();
        }
    }

    @Nested
    class StoredRowsTheLedgerWouldNotWrite {

        @Test
        void timestampsOfDifferentFractionLengthsCompareAsInstants() throws Exception {
            try (LedgerStore bare = LedgerStore.open(StoreSettings.inMemory("audit-ts-" + UUID.randomUUID()))) {
                String[] stamps = {
                        "2025-01-01T00:00:00Z",            // before from, but sorts after ".1Z" as text
                        "2025-01-01T00:00:00.05Z",         // before from
                        "2025-01-01T00:00:00.1Z",          // == from: in
                        "2025-01-01T00:00:00.123456789Z",  // in
                        "2025-01-01T00:00:00.999Z",        // in
                        "2025-01-01T01:00:00.5+01:00",     // 00:00:00.5Z with an offset: in
                        "2025-01-01T00:00:01Z",            // == to: out
                        "2025-01-01T00:00:01.000001Z"};    // out
                try (Connection connection = bare.dataSource().getConnection();
                     SyntheticEvents rows = new SyntheticEvents(connection)) {
                    for (int i = 0; i < stamps.length; i++) {
                        rows.deposit("ts:FUTURES", i, "1", stamps[i]);
                    }
                }
                Exports.Export export = export(bare.dataSource(), ExportFilter.parse(null, null,
                        "2025-01-01T00:00:00.1Z", "2025-01-01T00:00:01Z"), ExportFormat.JSON_LINES);
                assertThat(export.eventLines()).extracting(line -> line.get("timestamp").textValue()).containsExactly(
                        "2025-01-01T00:00:00.100Z", "2025-01-01T00:00:00.123456789Z", "2025-01-01T00:00:00.999Z",
                        "2025-01-01T00:00:00.500Z");
                assertThat(verify(export.bytes()).ok()).isTrue();
            }
        }

        @Test
        void anUnreadablePayloadFailsTheExportNamingItsPositionAndLeavesNoFile(@TempDir Path directory) throws Exception {
            try (LedgerStore bare = LedgerStore.open(StoreSettings.inMemory("audit-bad-" + UUID.randomUUID()))) {
                try (Connection connection = bare.dataSource().getConnection();
                     SyntheticEvents rows = new SyntheticEvents(connection)) {
                    rows.deposit("bad:FUTURES", 0, "1", "2025-01-01T00:00:00Z");
                    rows.add("bad:FUTURES", 1, "FundsDeposited", "{\"amount\": 1.5}", null, "2025-01-01T00:00:00Z");
                    rows.add("bad:FUTURES", 2, "FundsDeposited", "not json", null, "2025-01-01T00:00:00Z");
                    rows.add("bad:FUTURES", 3, "FundsDeposited", "{}", null, "yesterday");
                }
                Path out = directory.resolve("export.jsonl");
                assertThatThrownBy(() -> AuditExport.write(bare, ExportFilter.all(), ExportFormat.JSON_LINES, out, null))
                        .isInstanceOf(AuditExportException.class)
                        .hasMessage("event at position 2 cannot be exported: it holds a number that is not an integer (1.5);"
                                + " the export carries decimals as strings");
                assertThat(directory).isEmptyDirectory();

                Files.writeString(out, "earlier export\n");
                assertThatThrownBy(() -> AuditExport.write(bare, ExportFilter.all().withFrom(Instant.EPOCH), ExportFormat.CLOUDEVENTS, out, null))
                        .isInstanceOf(AuditExportException.class)
                        .hasMessageStartingWith("event at position 2");
                assertThat(Files.readString(out)).isEqualTo("earlier export\n");
                assertThat(Files.list(directory)).containsExactly(out);

                try (Connection connection = bare.dataSource().getConnection()) {
                    connection.createStatement().execute("DELETE FROM domainevententry WHERE globalindex = 2");
                }
                assertThatThrownBy(() -> export(bare.dataSource(), ExportFilter.all(), ExportFormat.JSON_LINES))
                        .isInstanceOf(AuditExportException.class)
                        .hasMessageStartingWith("event at position 3 has a payload that is not valid JSON");
                try (Connection connection = bare.dataSource().getConnection()) {
                    connection.createStatement().execute("DELETE FROM domainevententry WHERE globalindex = 3");
                }
                assertThatThrownBy(() -> export(bare.dataSource(), ExportFilter.all(), ExportFormat.JSON_LINES))
                        .isInstanceOf(AuditExportException.class)
                        .hasMessage("event at position 4 has a timestamp that is not an ISO-8601 instant: yesterday");
            }
        }

        @Test
        void anExportToAPathReplacesTheFileWhole(@TempDir Path directory) throws Exception {
            Path out = directory.resolve("sub").resolve("export.jsonl");
            ExportSummary first = AuditExport.write(ledger.store(), ExportFilter.all().withUser("al"), ExportFormat.JSON_LINES, out, null);
            assertThat(AuditVerifier.verify(out).message()).isEqualTo("OK " + first.describe());
            ExportSummary second = AuditExport.write(ledger.store(), ExportFilter.all(), ExportFormat.CLOUDEVENTS, out, null);
            assertThat(AuditVerifier.verify(out).message()).isEqualTo("OK " + second.describe());
            assertThat(AuditVerifier.verify(out, second.headHash()).ok()).isTrue();
            VerificationResult wrongHead = AuditVerifier.verify(out, first.headHash());
            assertThat(wrongHead.ok()).isFalse();
            assertThat(wrongHead.firstBadLine()).isEqualTo(second.count() + 1);
            assertThat(wrongHead.reason()).startsWith("head hash " + second.headHash() + " is not the expected");
            try (Stream<Path> files = Files.list(out.getParent())) {
                assertThat(files).containsExactly(out);
            }
        }
    }

    @Nested
    class Options {

        @Test
        void filterTextIsParsedWithMessagesNamingTheOption() {
            ExportFilter filter = ExportFilter.parse("alice:COPY", "alice", "2025-03-01", "2025-03-02T12:00:00+02:00");
            assertThat(filter).isEqualTo(new ExportFilter("alice:COPY", "alice",
                    Instant.parse("2025-03-01T00:00:00Z"), Instant.parse("2025-03-02T10:00:00Z")));
            assertThat(ExportFilter.parse(null, null, null, null)).isEqualTo(ExportFilter.all());
            assertThatThrownBy(() -> ExportFilter.parse("alice", null, null, null))
                    .hasMessageStartingWith("--account: not an account name");
            assertThatThrownBy(() -> ExportFilter.parse(null, "al:ice", null, null))
                    .hasMessageStartingWith("--user: not a user name");
            assertThatThrownBy(() -> ExportFilter.parse(null, null, "yesterday", null))
                    .hasMessageStartingWith("--from: not an ISO-8601 instant or date");
            assertThatThrownBy(() -> ExportFilter.parse(null, null, "2025-03-02", "2025-03-02"))
                    .hasMessageStartingWith("empty time range");
        }

        @Test
        void formatNamesAreThoseOfTheCommandLine() {
            assertThat(ExportFormat.parse("jsonl")).isEqualTo(ExportFormat.JSON_LINES);
            assertThat(ExportFormat.parse("CloudEvents")).isEqualTo(ExportFormat.CLOUDEVENTS);
            assertThatThrownBy(() -> ExportFormat.parse("xml")).hasMessage("unknown export format 'xml': use jsonl or cloudevents");
        }
    }

    static ObjectNode byCommand(List<ObjectNode> lines, String commandId, String type) {
        return lines.stream()
                .filter(line -> line.get("type").textValue().equals(type)
                        && line.get("metadata").get("commandId").textValue().equals(commandId))
                .findFirst().orElseThrow(() -> new AssertionError("no " + type + " of command " + commandId));
    }

    private static JsonNode text(String value) {
        return Exports.JSON.getNodeFactory().textNode(value);
    }

    private static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

}
