package masq.engine.console;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What a console command returns: named columns and rows of cells, kept as data so scripts can read
 * {@link #rows()}, and printed by Gogo through {@link #toString()} as an aligned text table.
 */
public final class Table {
    private final List<String> columns;
    private final List<List<String>> rows = new ArrayList<>();

    /** @param columns the column headings */
    public Table(String... columns) {
        this.columns = List.of(columns);
    }

    /**
     * Adds a row; {@code null} cells print as {@code -}.
     *
     * @throws IllegalArgumentException if the row has a different number of cells than columns
     */
    public Table row(Object... cells) {
        if (cells.length != columns.size()) {
            throw new IllegalArgumentException(cells.length + " cells for " + columns.size() + " columns");
        }
        List<String> row = new ArrayList<>(cells.length);
        for (Object cell : cells) {
            row.add(cell == null ? "-" : String.valueOf(cell));
        }
        rows.add(Collections.unmodifiableList(row));
        return this;
    }

    /** @return the column headings */
    public List<String> columns() {
        return columns;
    }

    /** @return the rows, each as many cells as there are columns */
    public List<List<String>> rows() {
        return Collections.unmodifiableList(rows);
    }

    @Override
    public String toString() {
        int[] widths = new int[columns.size()];
        for (int c = 0; c < widths.length; c++) {
            widths[c] = columns.get(c).length();
            for (List<String> row : rows) {
                widths[c] = Math.max(widths[c], row.get(c).length());
            }
        }
        StringBuilder text = new StringBuilder();
        appendLine(text, columns, widths);
        for (List<String> row : rows) {
            appendLine(text, row, widths);
        }
        if (rows.isEmpty()) {
            text.append("(none)\n");
        }
        return text.toString();
    }

    private static void appendLine(StringBuilder text, List<String> cells, int[] widths) {
        int start = text.length();
        for (int c = 0; c < cells.size(); c++) {
            text.append(cells.get(c));
            if (c < cells.size() - 1) {
                text.append(" ".repeat(widths[c] - cells.get(c).length() + 2));
            }
        }
        text.setLength(start + text.substring(start).stripTrailing().length());
        text.append('\n');
    }
}
