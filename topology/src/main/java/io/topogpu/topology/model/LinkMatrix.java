package io.topogpu.topology.model;

import java.util.Arrays;

/**
 * Symmetric matrix of the links between the GPUs of one node. The diagonal holds no link: {@link
 * #get(int, int)} with {@code i == j} returns {@code null}. Immutable.
 */
public final class LinkMatrix {
  private final Link[][] cells;

  private LinkMatrix(Link[][] cells) {
    this.cells = cells;
  }

  /**
   * Copies {@code cells}, checking it is square and symmetric and that every off-diagonal cell is
   * set; the diagonal is ignored.
   */
  public static LinkMatrix of(Link[][] cells) {
    int n = cells.length;
    Link[][] copy = new Link[n][n];
    for (int i = 0; i < n; i++) {
      if (cells[i].length != n) {
        throw new IllegalArgumentException(
            "link matrix row GPU" + i + " has " + cells[i].length + " cells, expected " + n);
      }
      for (int j = 0; j < n; j++) {
        if (i == j) {
          continue;
        }
        Link l = cells[i][j];
        if (l == null) {
          throw new IllegalArgumentException("link matrix has no link between GPU" + i + " and GPU" + j);
        }
        if (!l.equals(cells[j][i])) {
          throw new IllegalArgumentException(
              "link matrix is not symmetric: GPU" + i + "->GPU" + j + " is " + l.label()
                  + " but GPU" + j + "->GPU" + i + " is " + (cells[j][i] == null ? "missing" : cells[j][i].label()));
        }
        copy[i][j] = l;
      }
    }
    return new LinkMatrix(copy);
  }

  public int size() {
    return cells.length;
  }

  /** The link between GPUs {@code i} and {@code j}, or {@code null} when {@code i == j}. */
  public Link get(int i, int j) {
    return cells[i][j];
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LinkMatrix m && Arrays.deepEquals(cells, m.cells);
  }

  @Override
  public int hashCode() {
    return Arrays.deepHashCode(cells);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < cells.length; i++) {
      for (int j = 0; j < cells.length; j++) {
        sb.append(i == j ? "X" : cells[i][j].label()).append(j + 1 < cells.length ? ' ' : '\n');
      }
    }
    return sb.toString();
  }
}
