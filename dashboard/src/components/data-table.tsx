import type { ComponentChildren } from 'preact';
import { Empty } from './ui.tsx';

/** A column: `class` styles its header and cells, `cellClass` its cells only. */
export type Column<T> = {
  label: string;
  cell: (row: T) => ComponentChildren;
  class?: string;
  cellClass?: string;
};

/** A table of rows by columns, with an optional last cell of row actions; empty rows show the empty text. */
export function DataTable<T>(props: {
  testId: string;
  columns: Column<T>[];
  rows: readonly T[];
  rowKey: (row: T, index: number) => string;
  /** Mark each row with `data-key`, for finding a record by its key. */
  keyed?: boolean;
  actions?: (row: T) => ComponentChildren;
}) {
  if (props.rows.length === 0) return <Empty />;
  const { columns, actions } = props;
  return (
    <div class="table-wrap">
      <table class="table" data-testid={props.testId}>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.label} class={c.class}>
                {c.label}
              </th>
            ))}
            {actions && <th />}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row, i) => {
            const key = props.rowKey(row, i);
            return (
              <tr key={key} data-key={props.keyed ? key : undefined}>
                {columns.map((c) => (
                  <td key={c.label} class={c.cellClass ?? c.class}>
                    {c.cell(row)}
                  </td>
                ))}
                {actions && <td class="row-actions">{actions(row)}</td>}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
