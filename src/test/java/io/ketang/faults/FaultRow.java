package io.ketang.faults;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;

/**
 * One fault case's outcome, and the table of them written into {@code docs/reliability.md}
 * between its markers: a run of every case replaces the table; a run of some cases
 * ({@code -Dit.test='FaultSuite#…'}) replaces their rows, dated, and keeps the others.
 *
 * @param acknowledged important messages the teacher was told were sent
 * @param refused      sends refused, by code
 * @param unsent       sends the teacher's client could not make (no connection) or that were never answered
 *                     (made on a connection it then gave up)
 * @param lost         acknowledged seqs some staying student does not hold, summed over students
 * @param pushedTwice  seqs pushed twice on one connection
 * @param falseKicks   closes a staying student should never get (4000, 4008, 4409…)
 * @param falseExits   exit notices about students who stayed
 * @param duplicateExits sessions reported gone more than once
 * @param timing       how long the fault lasted (its injection: a kill and restart, a stall), and from its end
 *                     until every student was in the room again and the teacher's sends acknowledged
 * @param p99Ms        teacher-to-student push latency, p99 over the case (pulls not counted)
 * @param members      the member counts of the room on node A and node B at the end
 * @param ends         how staying students' connections ended, by close code or cause, summed
 */
record FaultRow(String fault, String note, int students, long acknowledged, String refused, long unsent, long lost,
                long pushedTwice, long falseKicks, long falseExits, long duplicateExits, long reconnects, String timing,
                long p99Ms, String members, boolean membersExact, String ends) {

    static final String BEGIN = "<!-- fault-suite:begin -->";
    static final String END = "<!-- fault-suite:end -->";

    String line() {
        return String.format("| %s | %d | %s | %d | **%d** | %d | **%d** | %d / %d | %d (%s) | %s | %s | %s | %s |", fault,
                acknowledged, refused, unsent, lost, pushedTwice, falseKicks, falseExits, duplicateExits, reconnects, ends, timing,
                p99Ms < 0 ? "–" : String.format("%,d ms", p99Ms), members, note);
    }

    static void write(List<FaultRow> rows, int students, int rate) throws IOException {
        Path doc = Path.of("docs", "reliability.md");
        String text = Files.readString(doc, StandardCharsets.UTF_8);
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new IOException(doc + " has no " + BEGIN + " … " + END + " section for the table");
        }
        List<String> before = text.substring(begin + BEGIN.length(), end).lines().toList();
        List<String> kept = before.stream().filter(l -> l.startsWith("| ") && !l.startsWith("| Fault |") && !l.startsWith("| --- |")).toList();
        var ran = rows.stream().collect(java.util.stream.Collectors.toMap(FaultRow::fault, FaultRow::line, (a, b) -> b,
                java.util.LinkedHashMap::new));
        boolean whole = kept.stream().allMatch(l -> ran.containsKey(faultOf(l)));

        StringBuilder table = new StringBuilder();
        table.append(BEGIN).append('\n');
        if (whole) {
            table.append(String.format("Run on %s: %d students on two nodes (alternating, each with the other as fallback), "
                    + "a teacher sending %d important messages/s; %s.%n%n", LocalDate.now(), students, rate, machine()));
        } else {
            before.stream().filter(l -> !l.isBlank() && !l.startsWith("|")).forEach(l -> table.append(l).append('\n'));
            table.append('\n');
        }
        table.append("| Fault | Acknowledged | Refused | Unsent or unanswered | Lost | Pushed twice | False kicks | Exits about stayers / sent twice "
                + "| Reconnects (connections ended by) | Fault lasted / normal after | Push p99 | Members A, B | Notes |\n");
        table.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
        String alone = whole ? "" : " (this row: run alone on " + LocalDate.now() + ")";
        if (!whole) {
            // the rows not run this time stay where they were; the cases run replace theirs
            for (String line : kept) {
                String mine = ran.remove(faultOf(line));
                table.append(mine == null ? line : mine.substring(0, mine.length() - 2) + alone + " |").append('\n');
            }
        }
        ran.values().forEach(line -> table.append(whole ? line : line.substring(0, line.length() - 2) + alone + " |").append('\n'));
        table.append(END);
        Files.writeString(doc, text.substring(0, begin) + table + text.substring(end + END.length()), StandardCharsets.UTF_8);
    }

    /** The fault named in a table line's first cell. */
    private static String faultOf(String line) {
        return line.substring(2, line.indexOf(" | ", 2));
    }

    private static String machine() throws IOException {
        String memory = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                .map(l -> Long.parseLong(l.replaceAll("\\D", "")) / 1024 / 1024 + " GiB").findFirst().orElse("? GiB");
        return Runtime.getRuntime().availableProcessors() + " cores, " + memory + ", " + System.getProperty("os.name") + " "
                + System.getProperty("os.version") + ", Java " + System.getProperty("java.version")
                + ", clients in the same machine's test JVM";
    }
}
