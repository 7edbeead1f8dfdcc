package io.topogpu.image;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names a PromQL expression reads. A small lexer over the PromQL grammar's token
 * classes: string literals, label matchers ({@code {...}}), range and subquery selectors
 * ({@code [...]}), Grafana variables ({@code $x}, {@code ${x}}) and numbers are dropped; label lists
 * after {@code by}, {@code without}, {@code on}, {@code ignoring}, {@code group_left} and {@code
 * group_right} are skipped; an identifier followed by {@code (} is a function or aggregation;
 * keywords and operators are not names. What is left are metric names.
 */
final class PromqlNames {
  private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left",
      "group_right", "offset", "bool", "and", "or", "unless", "atan2", "inf", "nan");
  private static final Set<String> LABEL_LIST_KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left",
      "group_right");
  private static final Pattern IDENT = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

  private PromqlNames() {}

  static Set<String> of(String expr) {
    String s = expr
        .replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", " ")
        .replaceAll("'(?:[^'\\\\]|\\\\.)*'", " ")
        .replaceAll("`[^`]*`", " ")
        .replaceAll("\\$\\{[^}]*}", " 0 ")
        .replaceAll("\\$[a-zA-Z_][a-zA-Z0-9_]*", " 0 ")
        .replaceAll("\\{[^}]*}", " ")
        .replaceAll("\\[[^\\]]*]", " ")
        .replaceAll("(?<![a-zA-Z_:0-9])[0-9][0-9.eE+-]*[smhdwy]?", " ");
    Set<String> names = new TreeSet<>();
    Matcher m = IDENT.matcher(s);
    int skipUntil = -1;
    while (m.find()) {
      if (m.start() < skipUntil) {
        continue;
      }
      String word = m.group();
      int after = nextNonSpace(s, m.end());
      if (LABEL_LIST_KEYWORDS.contains(word)) {
        if (after < s.length() && s.charAt(after) == '(') {
          skipUntil = s.indexOf(')', after) + 1;
        }
        continue;
      }
      if (KEYWORDS.contains(word)) {
        continue;
      }
      if (after < s.length() && s.charAt(after) == '(') {
        continue; // function or aggregation
      }
      if (nextWordIsLabelList(s, after)) {
        continue; // aggregation written as "sum by (...) (...)"
      }
      names.add(word);
    }
    return names;
  }

  private static boolean nextWordIsLabelList(String s, int at) {
    Matcher m = IDENT.matcher(s);
    return m.find(at) && m.start() == at && Set.of("by", "without").contains(m.group());
  }

  private static int nextNonSpace(String s, int i) {
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    return i;
  }
}
