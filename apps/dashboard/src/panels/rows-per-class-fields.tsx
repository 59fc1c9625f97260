/**
 * The two optional size fields of every form that starts training (`trainPerClass`,
 * `testPerClass`); left empty, the worker's defaults (the whole data set) apply.
 */
export function RowsPerClassFields() {
  return (
    <>
      <label>
        Training rows per class
        <input name="trainPerClass" type="number" min={1} placeholder="all (30,000)" />
      </label>
      <label>
        Test rows per class
        <input name="testPerClass" type="number" min={1} placeholder="all (1,900)" />
      </label>
    </>
  );
}
