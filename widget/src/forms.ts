/** The forms a visitor may fill in: the owner's lead form and "talk to a person". Labelled fields, native validation. */
import { h } from './dom.ts';

export interface FieldSpec {
  readonly name: string;
  readonly label: string;
  readonly type: 'text' | 'email' | 'tel' | 'textarea';
  readonly required?: boolean;
  readonly value?: string | undefined;
  readonly autocomplete?: string;
}

export interface FormSpec {
  readonly title: string;
  readonly intro: string;
  readonly fields: readonly FieldSpec[];
  readonly submit: string;
  /** Throws an Error whose message is shown to the visitor. */
  readonly onSubmit: (values: Record<string, string>) => Promise<void>;
  readonly onCancel?: (() => void) | undefined;
}

const fieldView = (f: FieldSpec): HTMLElement => {
  const attrs = { name: f.name, required: !!f.required, autocomplete: f.autocomplete ?? 'off', maxlength: f.type === 'textarea' ? 2000 : 254 };
  return h('label', null,
    f.required ? f.label : `${f.label} (optional)`,
    f.type === 'textarea' ? h('textarea', { ...attrs, rows: 3 }) : h('input', { ...attrs, type: f.type, value: f.value }),
  );
};

/** A form as a card in the conversation. */
export const formView = (spec: FormSpec): HTMLFormElement => {
  const alert = h('p', { class: 'alert', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'btn' }, spec.submit);
  const form: HTMLFormElement = h('form', {
    class: 'card', 'aria-label': spec.title,
    onsubmit: (e: Event) => {
      e.preventDefault();
      const values: Record<string, string> = {};
      for (const [key, value] of new FormData(form)) values[key] = typeof value === 'string' ? value.trim() : '';
      submit.disabled = true;
      alert.textContent = '';
      spec.onSubmit(values).catch((err: unknown) => {
        alert.textContent = err instanceof Error ? err.message : 'Something went wrong. Please try again.';
      }).finally(() => {
        submit.disabled = false;
      });
    },
  },
  h('h3', null, spec.title),
  h('p', null, spec.intro),
  ...spec.fields.map(fieldView),
  alert,
  h('div', { class: 'row' }, spec.onCancel && h('button', { type: 'button', class: 'btn alt', onclick: spec.onCancel }, 'Cancel'), submit),
  );
  return form;
};
