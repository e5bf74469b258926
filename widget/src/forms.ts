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

/** Fields of which the visitor must fill in at least one (e-mail or phone): none of them reads "(optional)". */
export interface FieldGroup {
  readonly legend: string;
  readonly fields: readonly FieldSpec[];
  /** Shown, and the group's fields marked invalid, when all of them are left empty. */
  readonly missing: string;
}

export interface FormSpec {
  readonly title: string;
  readonly intro: string;
  readonly fields: readonly (FieldSpec | FieldGroup)[];
  readonly submit: string;
  /** Throws an Error whose message is shown to the visitor. */
  readonly onSubmit: (values: Record<string, string>) => Promise<void>;
  readonly onCancel?: (() => void) | undefined;
}

const fieldView = (f: FieldSpec, inGroup = false): HTMLElement => {
  const attrs = { name: f.name, required: !!f.required, autocomplete: f.autocomplete ?? 'off', maxlength: f.type === 'textarea' ? 2000 : 254 };
  return h('label', null,
    f.required || inGroup ? f.label : `${f.label} (optional)`,
    f.type === 'textarea' ? h('textarea', { ...attrs, rows: 3 }) : h('input', { ...attrs, type: f.type, value: f.value }),
  );
};

const isGroup = (f: FieldSpec | FieldGroup): f is FieldGroup => 'legend' in f;

/** A form as a card in the conversation. */
export const formView = (spec: FormSpec): HTMLFormElement => {
  const alert = h('p', { class: 'alert', role: 'alert', id: 'form-alert' });
  const submit = h('button', { type: 'submit', class: 'btn' }, spec.submit);
  const groups = spec.fields.filter(isGroup);
  const groupInputs = (g: FieldGroup) => g.fields.map((f) => form.elements.namedItem(f.name) as HTMLInputElement);
  const form: HTMLFormElement = h('form', {
    class: 'card', 'aria-label': spec.title,
    oninput: () => {
      for (const g of groups) {
        const inputs = groupInputs(g);
        if (!inputs.some((i) => i.value.trim())) continue;
        for (const i of inputs) i.removeAttribute('aria-invalid');
        if (alert.textContent === g.missing) alert.textContent = '';
      }
    },
    onsubmit: (e: Event) => {
      e.preventDefault();
      const values: Record<string, string> = {};
      for (const [key, value] of new FormData(form)) values[key] = typeof value === 'string' ? value.trim() : '';
      const empty = groups.find((g) => g.fields.every((f) => !values[f.name]));
      if (empty) {
        const inputs = groupInputs(empty);
        for (const i of inputs) {
          i.setAttribute('aria-invalid', 'true');
          i.setAttribute('aria-describedby', 'form-alert');
        }
        alert.textContent = empty.missing;
        inputs[0]?.focus();
        return;
      }
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
  ...spec.fields.map((f) => (isGroup(f)
    ? h('fieldset', null, h('legend', null, f.legend), ...f.fields.map((g) => fieldView(g, true)))
    : fieldView(f))),
  alert,
  h('div', { class: 'row' }, spec.onCancel && h('button', { type: 'button', class: 'btn alt', onclick: spec.onCancel }, 'Cancel'), submit),
  );
  return form;
};
