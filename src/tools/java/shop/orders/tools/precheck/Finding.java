package shop.orders.tools.precheck;

import shop.orders.tools.PythonStyle;

/** One line of the verdict: PASS, WARN or FAIL, with the numbers it was decided on. */
record Finding(Status status, String detail) {

  enum Status { PASS, WARN, FAIL }

  static Finding pass(String detail) {
    return new Finding(Status.PASS, detail);
  }

  static Finding warn(String detail) {
    return new Finding(Status.WARN, detail);
  }

  static Finding fail(String detail) {
    return new Finding(Status.FAIL, detail);
  }

  /** PASS when {@code holds}, else FAIL. */
  static Finding passIf(boolean holds, String detail) {
    return holds ? pass(detail) : fail(detail);
  }

  /** A figure as the findings write it: three decimals at most, no trailing zeros (300.0: 300, 0.9951: 0.995). */
  static String num(double x) {
    String fixed = PythonStyle.fixed(x, 3);
    return fixed.replaceFirst("0+$", "").replaceFirst("\\.$", "");
  }

  /** "<=" when {@code value} is within {@code limit}, else ">". */
  static String within(double value, double limit) {
    return value <= limit ? "<=" : ">";
  }
}
