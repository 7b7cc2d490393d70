/**
 * The concept questions, the lesson's own first, as data: their wording in one place, editable without
 * reading code. {name} marks a slot that concept-questions.ts fills with this model's and this run's numbers;
 * `parts` are sentences an explanation includes only when the run has their numbers (filled the same way).
 */

/** The id of the lesson's question, asked first in every quiz (the id predates the name and seeds its choice order). */
export const LESSON_QUESTION = 'seed-hidden-state';

export interface Concept {
  id: string;
  /** Position in the quiz: the lesson's question first, the others after the run's questions. */
  rank: number;
  prompt: string;
  answer: string;
  distractors: readonly string[];
  explanation: string;
  parts?: Readonly<Record<string, string>>;
}

export const CONCEPTS: readonly Concept[] = [
  {
    id: LESSON_QUESTION,
    rank: 0,
    prompt: 'Why does the RNN keep a hidden state during sequence processing?',
    answer: 'To remember information from previous time steps',
    distractors: ['To reduce the number of features', 'To increase the input size', 'To shuffle the input data'],
    explanation:
      "The hidden state h_t is the RNN's memory: each step mixes the new input x_t with h_(t-1), so what came before shapes the prediction now. " +
      'Here it is {units} numbers carried across {T} steps{trace}. It does not change the number of features ({I}), the input size, or the order of the data.',
    parts: { trace: " (in this run's trace, h_2 starts from h_1 = {h1})" },
  },
  {
    id: 'shared-weights',
    rank: 30,
    prompt: 'Why does an RNN use the same W_ih and W_hh at every step of a sequence?',
    answer: 'So one rule serves every position: any length works, and the {n} parameters do not grow with it',
    distractors: [
      "It does not: each step learns its own W_hh, and training keeps the last step's copy",
      'So that all the steps can be computed at once, each independently of the others',
      'To keep the hidden state from changing between one step and the next one',
    ],
    explanation:
      'Here W_ih {wih} and W_hh {whh} (with the biases, {n} parameters in the first layer) are applied at all {T} steps. ' +
      'A separate set per step would need {nT} and could not handle step {T1}. What changes from step to step is the hidden state, not the weights. ' +
      '(W_ih x_t can be computed for all steps at once, and rnnscope does it in one matrix product; the part through h_(t-1) cannot: step t needs step t-1 first.)',
  },
  {
    id: 'squashing',
    rank: 31,
    prompt: 'Why does the {cell} use tanh to compute its hidden state h_t?',
    answer: 'It keeps every unit between -1 and 1, so repeated steps cannot blow the state up',
    distractors: [
      'It turns the hidden state into probabilities that add up to 1 across the units',
      'It sets most units to exactly zero, so that the state stays small and sparse',
      'It makes each step linear, so the gradient passes back through it unchanged',
    ],
    explanation:
      '{where}. The same W_hh multiplies the state at every step; without a bound, a state that grows a little each step ' +
      'would grow without limit over a long sequence. tanh bounds it to (-1, 1).{range} Probabilities come from the softmax of the ' +
      'output layer, not from tanh; zeros are what relu makes; and tanh is not linear (its slope is at most 1, which is part of why ' +
      'gradients vanish over long delays).',
    parts: {
      rnn_tanh: 'h_t = tanh(W_ih x_t + b_ih + W_hh h_(t-1) + b_hh)',
      lstm: 'h_t = o * tanh(c_t), with o between 0 and 1',
      gru: 'the candidate n = tanh(...), and h_t mixes n with h_(t-1)',
      range: " In this run's trace every h_t value lies between {lo} and {hi}.",
    },
  },
  {
    id: 'held-out',
    rank: 32,
    prompt: 'Why does training keep a held-out (validation) split that the optimizer never learns from?',
    answer: 'To measure how well the model does on sequences it was never fitted to',
    distractors: [
      'To give the optimizer a fresh batch of data for its final epoch',
      'To make each gradient step more accurate by averaging over more data',
      'To compute the mean and spread used to normalise the input features',
    ],
    explanation:
      '{sizes}Training loss can fall just by fitting (even memorising) the training sequences; held-out loss falls only if ' +
      'what was learned carries over. That is what early stopping (--patience) watches. The normalisation is fitted on the training ' +
      'split alone, so nothing from the held-out sequences leaks into the model.',
    parts: { sizes: 'This run kept {val} of {total} sequences for validation and {test} for the test, and trained on {train}. ' },
  },
  {
    id: 'vanishing',
    rank: 33,
    prompt:
      'On the delay task with the answer 10 steps back, a plain RNN often stays near chance while an LSTM of the same width learns it. Why?',
    answer: "The gradient fades over 10 steps of tanh and W_hh; the LSTM's cell state, updated by addition, keeps it alive",
    distractors: [
      'The LSTM has four times as many parameters, so it can memorise every training sequence',
      'A plain RNN can only look back as many steps as it has hidden units, and this one has {H}',
      'The LSTM reads each sequence backwards, so the token 10 steps back reaches it first',
    ],
    explanation:
      "Backpropagation through time multiplies the gradient by W_hh and by tanh's slope (at most 1) once per step; over 10 " +
      'steps that product usually vanishes, so the token that holds the answer barely moves the weights: vanishing gradients. ' +
      "The LSTM's cell state is updated by addition, scaled by the forget gate f, so the gradient can pass many steps nearly intact. " +
      '(With {I} inputs and {H} hidden units an LSTM layer has {lstmCount} parameters and an RNN layer {rnnCount}.) ' +
      'See it measured: rnnscope compare --task delay --delay 10 --hidden 16 --epochs 10.',
  },
  {
    id: 'bidirectional',
    rank: 34,
    prompt: 'What does bidirectional=True (rnnscope --bidirectional) add to {aCell} layer?',
    answer: 'A second recurrence, with its own weights, reading from the last step back; the two states are joined',
    distractors: [
      "A second layer stacked on top of the first, which reads the first layer's output at every step",
      'Backpropagation through time, so that the gradient can reach back to the earlier steps',
      'Each step is processed twice, so the hidden state is updated two times for every input',
    ],
    explanation:
      'The two directions run over the same input independently, forward from step 1 and backward from step {T}, with weights ' +
      'named weight_ih_l0 and weight_ih_l0_reverse; their states are concatenated. {now} With a label per step, step t then sees the ' +
      'future as well as the past: fine when the whole sequence is known, not for live prediction. Stacking is num_layers (--layers), ' +
      'and every RNN is trained by backpropagation through time.',
    parts: {
      bidirectional: 'This model is bidirectional: its first layer has {n2} parameters ({n} per direction) and gives {P2} values per step.',
      unidirectional:
        'For this model the first layer would have {n2} parameters instead of {n}, and give {P2} values per step instead of {P}.',
    },
  },
];
